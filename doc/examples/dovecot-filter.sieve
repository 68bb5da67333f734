# Dovecot Pigeonhole (sieve_extprograms): tag with a filter, then test
# the header. backscatter lives in sieve_filter_bin_dir.
require ["vnd.dovecot.filter", "fileinto", "mailbox"];

filter "backscatter";
if header :matches "X-Backscatter-Status" "Yes,*" {
  fileinto :create "Backscatter";
  stop;
}
