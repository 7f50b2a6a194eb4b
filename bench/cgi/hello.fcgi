#!/usr/bin/perl
# The warm-perl app: a Perl CGI::Fast hello, one FastCGI worker answering
# request after request. bench/run also copies it as hello-cold.pl and runs
# that as a plain CGI script (CGI::Fast falls back to plain CGI when stdin
# is not a socket): the same app, cold, as the row's reference.
use strict;
use warnings;
use CGI::Fast;
while (my $q = CGI::Fast->new) { print "Content-Type: text/plain\r\n\r\nHello, world!\n"; }
