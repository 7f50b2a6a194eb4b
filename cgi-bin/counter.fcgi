#!/usr/bin/perl
# A warm script: Hearth runs *.fcgi files as a pool of long-lived FastCGI
# workers, so $count survives from one request to the next (per worker).
use strict;
use warnings;
use CGI::Fast;

my $count = 0;
while (my $q = CGI::Fast->new) {
    $count++;
    print "Content-Type: text/plain\r\n\r\n";
    print "request $count served by worker $$\n";
}
