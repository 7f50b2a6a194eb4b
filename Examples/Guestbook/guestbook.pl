#!/usr/bin/perl
# A guestbook as a CGI script: GET lists the entries, POST appends one and
# answers 303 to the list. Entries: one "name<TAB>message" line each.
use strict;
use warnings;

my $file = $ENV{GUESTBOOK_FILE} // 'guestbook.txt';
my $self = ($ENV{SCRIPT_NAME} // '') . '/';

sub esc { my $s = shift; $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s =~ s/"/&quot;/g; $s =~ s/'/&#39;/g; $s }
sub dec { my $s = shift // ''; $s =~ tr/+/ /; $s =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge; $s }

if (($ENV{REQUEST_METHOD} // '') eq 'POST') {
    read(STDIN, my $body, $ENV{CONTENT_LENGTH} // 0);
    my %form;
    for my $pair (split /&/, $body // '') {
        my ($k, $v) = split /=/, $pair, 2;
        $form{dec($k)} //= dec($v);
    }
    my ($name, $message) = map { my $s = $_ // ''; $s =~ s/[\t\r\n]/ /g; $s } @form{qw(name message)};
    if ($name eq '' || $message eq '') {
        print "Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nname and message are required\n";
        exit;
    }
    open(my $out, '>>', $file) or die "$file: $!";
    syswrite($out, "$name\t$message\n");   # one write on O_APPEND: no interleaving
    close $out;
    print "Status: 303 See Other\r\nLocation: $self\r\n\r\n";
    exit;
}

my @entries;
if (open(my $in, '<', $file)) {
    @entries = map { chomp; [split /\t/, $_, 2] } grep { /\n\z/ } <$in>;
}
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print qq{<!doctype html>\n<html><head><meta charset="utf-8"><title>Guestbook</title></head><body>\n<h1>Guestbook</h1>\n};
print @entries ? "<ul>\n" : "<p>No entries yet.</p>\n";
print "<li><b>", esc($_->[0]), "</b>: ", esc($_->[1] // ''), "</li>\n" for @entries;
print "</ul>\n" if @entries;
print qq{<form method="post" action="}, esc($self), qq{">\n<p><label>Name <input name="name" maxlength="100"></label></p>\n};
print qq{<p><label>Message <textarea name="message" maxlength="2000"></textarea></label></p>\n<p><button>Sign</button></p>\n</form>\n</body></html>\n};
