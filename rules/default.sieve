# default.sieve - what "backscatter --deliver" does without --sieve:
# a message judged backscatter goes to the folder "Backscatter" (a
# Maildir++ folder .Backscatter, made when first needed); everything
# else stays in the INBOX (the implicit keep).
#
# To change it, copy this file, edit it and name the copy with --sieve.
# backscatter puts its X-Backscatter-* headers in before the script runs
# (after removing any the message brought with it), so they can be tested.
require "fileinto";

if header :matches "X-Backscatter-Status" "Yes,*" {
	fileinto "Backscatter";
}
