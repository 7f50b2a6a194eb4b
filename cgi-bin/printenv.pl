#!/usr/bin/perl
# Prints every meta-variable the script received (RFC 3875 §4.1), sorted.
use strict;
use warnings;

print "Content-Type: text/plain; charset=utf-8\n\n";
for my $name (sort keys %ENV) {
    print "$name=$ENV{$name}\n";
}
