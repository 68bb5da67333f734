# ~/.backscatter.sieve - for "backscatter --deliver ~/Maildir --sieve
# ~/.backscatter.sieve". libsieve knows fileinto, imap4flags, envelope,
# relational, regex; not "mailbox", "variables" or "body".
require ["fileinto", "imap4flags"];

# Backscatter, marked as read, into the folder Backscatter
if header :matches "X-Backscatter-Status" "Yes,*" {
  fileinto :flags "\\Seen" "Backscatter";
  stop;
}
# Legitimate out-of-office replies into their own folder
if header :contains "X-Backscatter-Status" "kind=autoreply" {
  fileinto "Auto-replies";
  stop;
}
keep;
