# Dovecot Pigeonhole (sieve_extprograms): only ask. Exit 0 is "true";
# any failure is "false" and the message is kept. backscatter lives in
# sieve_execute_bin_dir.
require ["vnd.dovecot.execute", "fileinto", "mailbox"];

if execute :pipe "backscatter" "--test" {
  fileinto :create "Backscatter";
  stop;
}
