#!/usr/bin/perl
#
# mkmmdb.pl - builds the small MaxMind DB files the enrich_geo unit test
# looks addresses up in, from a text description, so no binary database is
# ever committed.
#
#   perl tests/tools/mkmmdb.pl tests/data/enrich_geo/networks.txt OUTDIR
#
# The description has one network per line, tab-separated:
#
#   network  asn  as_org  country_iso  country_name  city  continent  lat  lon
#
# "-" marks an absent field; "#" starts a comment line.  From it OUTDIR gets
# one database per layout the module reads:
#
#   asn.mmdb         GeoLite2-ASN / GeoIP2-ISP keys, IPv6 tree, IPv4 aliased
#   asn-v4.mmdb      the same keys in an IPv4-only tree (IPv4 networks only)
#   dbip-asn.mmdb    DB-IP ASN Lite: the GeoLite2-ASN keys (DB-IP declares
#                    "compat=GeoLite2-ASN"), other metadata, 32-bit records
#   city.mmdb        GeoLite2-City: nested maps, names in "en" and "de",
#                    geoname ids, registered_country, subdivisions
#   country.mmdb     GeoLite2-Country: continent and country only
#   dbip-city.mmdb   DB-IP City Lite: the City keys, names in "en" only,
#                    IPv4 networks in ::/96 with no IPv6 aliases
#   enterprise.mmdb  GeoIP2-Enterprise-like: City keys plus traits.autonomous_*
#   ipinfo.mmdb      IPinfo Lite: flat keys, "asn" as the string "AS64500",
#                    "country" the name
#   ipinfo-country-asn.mmdb  IPinfo's older free country_asn: flat keys,
#                    "country" and "continent" the codes
#   odd.mmdb         values of the wrong type or out of range, not from the
#                    description: 198.51.100.0/24 has only a usable country
#                    name, five values the module must refuse
#
# With --synthetic N (instead of a description) it writes OUTDIR/bulk-asn.mmdb
# and OUTDIR/bulk-city.mmdb with N pseudo-random networks in GeoLite2 layouts,
# for measuring lookup cost; the addresses are listed in OUTDIR/bulk-addrs.txt.
#
# Needs MaxMind::DB::Writer (Debian: libmaxmind-db-writer-perl).  Exits 0 on
# success, 3 when the writer module is missing, another non-zero status with
# a one-line reason on any other error.
use strict;
use warnings;
use utf8;

BEGIN {
	if (!eval { require MaxMind::DB::Writer::Tree; 1 }) {
		print STDERR "mkmmdb.pl: MaxMind::DB::Writer::Tree is missing " .
		    "(apt-get install libmaxmind-db-writer-perl)\n";
		exit 3;
	}
}

my %TYPES = (
	autonomous_system_number	=> 'uint32',
	autonomous_system_organization	=> 'utf8_string',
	isp				=> 'utf8_string',
	organization			=> 'utf8_string',
	geoname_id			=> 'uint32',
	iso_code			=> 'utf8_string',
	code				=> 'utf8_string',
	names				=> 'map',
	city				=> 'map',
	continent			=> 'map',
	country				=> 'map',
	registered_country		=> 'map',
	location			=> 'map',
	latitude			=> 'double',
	longitude			=> 'double',
	accuracy_radius			=> 'uint16',
	time_zone			=> 'utf8_string',
	is_in_european_union		=> 'boolean',
	subdivisions			=> [ 'array', 'map' ],
	traits				=> 'map',
	en				=> 'utf8_string',
	de				=> 'utf8_string',
);

# IPinfo's flat keys: "country" is a string there.
my %IPINFO_TYPES = map { $_ => 'utf8_string' }
    qw(asn as_name as_domain country_code country country_name
    continent_code continent continent_name);

sub
usage
{
	print STDERR "usage: mkmmdb.pl DESCRIPTION.txt OUTDIR\n" .
	    "       mkmmdb.pl --synthetic N OUTDIR\n";
	exit 2;
}

sub
tree
{
	my (%a) = @_;

	my $types = delete $a{types} // \%TYPES;
	return MaxMind::DB::Writer::Tree->new(
		record_size			=> 24,
		ip_version			=> 6,
		alias_ipv6_to_ipv4		=> 1,
		# the test networks are documentation prefixes
		remove_reserved_networks	=> 0,
		description	=> { en => 'faaswatch enrich_geo test data' },
		map_key_type_callback => sub {
			my $t = $types->{ $_[0] };
			die "mkmmdb.pl: no type for key $_[0]\n" unless defined $t;
			return $t;
		},
		%a,
	);
}

sub
write_db
{
	my ($t, $path) = @_;

	open(my $fh, '>:raw', $path) or die "mkmmdb.pl: $path: $!\n";
	$t->write_tree($fh);
	close($fh) or die "mkmmdb.pl: $path: $!\n";
}

sub
read_description
{
	my ($path) = @_;
	my @nets;

	open(my $fh, '<:encoding(UTF-8)', $path) or die "mkmmdb.pl: $path: $!\n";
	while (my $line = <$fh>) {
		chomp $line;
		next if $line =~ /^\s*(#|$)/;
		my @f = split(/\t+/, $line);
		die "mkmmdb.pl: $path:$.: want 9 tab-separated fields\n"
		    unless @f == 9;
		my %n;
		@n{qw(net asn org cc country city continent lat lon)} =
		    map { $_ eq '-' ? undef : $_ } @f;
		die "mkmmdb.pl: $path:$.: bad network\n"
		    unless defined $n{net} && $n{net} =~ m{/\d+$};
		die "mkmmdb.pl: $path:$.: lat and lon go together\n"
		    if defined $n{lat} != defined $n{lon};
		push @nets, \%n;
	}
	close($fh);
	return @nets;
}

sub
is_v4
{
	return $_[0] =~ /^\d+\.\d+\.\d+\.\d+\//;
}

sub
has_as
{
	my ($n) = @_;
	return defined $n->{asn} || defined $n->{org};
}

sub
has_geo
{
	my ($n) = @_;
	return grep { defined $n->{$_} } qw(cc country city continent lat);
}

# GeoLite2-ASN record.
sub
asn_record
{
	my ($n) = @_;
	my %r;

	$r{autonomous_system_number} = 0 + $n->{asn} if defined $n->{asn};
	$r{autonomous_system_organization} = $n->{org} if defined $n->{org};
	return \%r;
}

my %CONTINENT_NAME = (
	AF => 'Africa', AN => 'Antarctica', AS => 'Asia', EU => 'Europe',
	NA => 'North America', OC => 'Oceania', SA => 'South America',
);

# names map: "en" is the name; "de" differs, so a test can tell which one
# was read.
sub
names
{
	my ($name, $langs) = @_;
	my %m = (en => $name);

	$m{de} = "[de] $name" if $langs > 1;
	return \%m;
}

# GeoLite2-City record (or Country with $city == 0); $langs names each.
sub
city_record
{
	my ($n, $city, $langs, $ids) = @_;
	my (%r, $id);

	$id = 1000 + (unpack('%32C*', $n->{net}) % 9000);
	if (defined $n->{continent}) {
		$r{continent}{code} = $n->{continent};
		$r{continent}{names} = names($CONTINENT_NAME{ $n->{continent} }
		    // $n->{continent}, $langs);
		$r{continent}{geoname_id} = 6255000 + $id if $ids;
	}
	if (defined $n->{cc} || defined $n->{country}) {
		$r{country}{iso_code} = $n->{cc} if defined $n->{cc};
		$r{country}{names} = names($n->{country}, $langs)
		    if defined $n->{country};
		$r{country}{geoname_id} = 2000000 + $id if $ids;
		$r{country}{is_in_european_union} = 1
		    if ($n->{continent} // '') eq 'EU';
		# registered elsewhere, so a test notices if it is read instead
		$r{registered_country} = {
			iso_code => 'ZZ',
			names => names('Registered Elsewhere', $langs),
		};
	}
	return \%r unless $city;
	if (defined $n->{city}) {
		$r{city}{names} = names($n->{city}, $langs);
		$r{city}{geoname_id} = 3000000 + $id if $ids;
		$r{subdivisions} = [ {
			iso_code => 'XX',
			names => names("Region of $n->{city}", $langs),
		} ];
	}
	if (defined $n->{lat}) {
		$r{location} = {
			latitude	=> 0 + $n->{lat},
			longitude	=> 0 + $n->{lon},
			accuracy_radius	=> 50,
			time_zone	=> 'Etc/UTC',
		};
	}
	return \%r;
}

# IPinfo Lite record: flat, "asn" as "AS<number>".
sub
ipinfo_record
{
	my ($n) = @_;
	my %r;

	$r{asn} = "AS$n->{asn}" if defined $n->{asn};
	$r{as_name} = $n->{org} if defined $n->{org};
	$r{as_domain} = 'example.net' if has_as($n);
	$r{country_code} = $n->{cc} if defined $n->{cc};
	$r{country} = $n->{country} if defined $n->{country};
	if (defined $n->{continent}) {
		$r{continent_code} = $n->{continent};
		$r{continent} = $CONTINENT_NAME{ $n->{continent} }
		    // $n->{continent};
	}
	return \%r;
}

# IPinfo country_asn record: "country" and "continent" are codes there.
sub
ipinfo_country_asn_record
{
	my ($n) = @_;
	my %r;

	$r{asn} = "AS$n->{asn}" if defined $n->{asn};
	$r{as_name} = $n->{org} if defined $n->{org};
	$r{country} = $n->{cc} if defined $n->{cc};
	$r{country_name} = $n->{country} if defined $n->{country};
	if (defined $n->{continent}) {
		$r{continent} = $n->{continent};
		$r{continent_name} = $CONTINENT_NAME{ $n->{continent} }
		    // $n->{continent};
	}
	return \%r;
}

sub
build_all
{
	my ($desc, $out) = @_;
	my @nets = read_description($desc);
	my %t = (
		'asn.mmdb' => tree(database_type => 'GeoLite2-ASN'),
		'asn-v4.mmdb' => tree(database_type => 'GeoLite2-ASN',
		    ip_version => 4, alias_ipv6_to_ipv4 => 0),
		'dbip-asn.mmdb' => tree(
		    database_type => 'DBIP-ASN-Lite (compat=GeoLite2-ASN)',
		    record_size => 32, alias_ipv6_to_ipv4 => 0),
		'city.mmdb' => tree(database_type => 'GeoLite2-City',
		    record_size => 28, languages => [ 'de', 'en' ]),
		'country.mmdb' => tree(database_type => 'GeoLite2-Country',
		    languages => [ 'de', 'en' ]),
		'dbip-city.mmdb' => tree(database_type => 'DBIP-City-Lite',
		    alias_ipv6_to_ipv4 => 0, languages => [ 'en' ]),
		'enterprise.mmdb' => tree(database_type => 'GeoIP2-Enterprise',
		    record_size => 28, languages => [ 'de', 'en' ]),
		'ipinfo.mmdb' => tree(database_type => 'ipinfo lite.mmdb',
		    record_size => 32, types => \%IPINFO_TYPES),
		'ipinfo-country-asn.mmdb' => tree(
		    database_type => 'ipinfo country_asn.mmdb',
		    types => \%IPINFO_TYPES),
	);

	for my $n (@nets) {
		if (has_as($n)) {
			my $r = asn_record($n);
			$t{'asn.mmdb'}->insert_network($n->{net}, $r);
			$t{'dbip-asn.mmdb'}->insert_network($n->{net}, $r);
			$t{'asn-v4.mmdb'}->insert_network($n->{net}, $r)
			    if is_v4($n->{net});
		}
		if (has_geo($n)) {
			$t{'city.mmdb'}->insert_network($n->{net},
			    city_record($n, 1, 2, 1));
			$t{'country.mmdb'}->insert_network($n->{net},
			    city_record($n, 0, 2, 1));
			$t{'dbip-city.mmdb'}->insert_network($n->{net},
			    city_record($n, 1, 1, 0));
		}
		if (has_as($n) || has_geo($n)) {
			my $e = city_record($n, 1, 2, 1);
			$e->{traits} = asn_record($n) if has_as($n);
			$t{'enterprise.mmdb'}->insert_network($n->{net}, $e);
			$t{'ipinfo.mmdb'}->insert_network($n->{net},
			    ipinfo_record($n));
			$t{'ipinfo-country-asn.mmdb'}->insert_network(
			    $n->{net}, ipinfo_country_asn_record($n));
		}
	}
	write_db($t{$_}, "$out/$_") for sort keys %t;
	write_db(odd_tree(), "$out/odd.mmdb");
}

# AS number as a double, organisation as a number, a four-letter ISO code,
# a continent code with a space, a latitude out of range.
sub
odd_tree
{
	my %types = (%TYPES,
	    autonomous_system_number => 'double',
	    autonomous_system_organization => 'uint32');
	my $t = tree(database_type => 'GeoLite2-City', types => \%types);

	$t->insert_network('198.51.100.0/24', {
		autonomous_system_number => 64500,
		autonomous_system_organization => 7,
		country => { iso_code => 'DEU1', names => { en => 'Germany' } },
		continent => { code => 'E U' },
		location => { latitude => 123.5, longitude => 13.4105 },
	});
	return $t;
}

# N networks (/24 in IPv4, /48 in IPv6, three in four IPv4) with records of
# GeoLite2 sizes, from a fixed-seed generator; N / 6 AS numbers and 256
# cities, so networks share records the way they do in real databases.
sub
build_synthetic
{
	my ($count, $out) = @_;
	my $asn = tree(database_type => 'GeoLite2-ASN');
	my $city = tree(database_type => 'GeoLite2-City', record_size => 28,
	    languages => [ 'de', 'en' ]);
	my ($seed, %seen, @cities, @addrs) = (12345);
	my $rand = sub {
		$seed = ($seed * 1103515245 + 12345) % 2147483648;
		return $seed >> 7;	# the low bits have short periods
	};

	for my $i (0 .. 255) {
		push @cities, city_record({
			net => "c$i", cc => sprintf('C%c', 65 + $i % 26),
			country => "Country $i", city => "City number $i",
			continent => (qw(AF AS EU NA OC SA))[ $i % 6 ],
			lat => -60 + ($i % 120), lon => -170 + ($i % 340),
		}, 1, 2, 1);
	}
	while (keys %seen < $count) {
		my ($net, $addr);
		if ($rand->() % 4) {
			my @b = map { $rand->() % 224 } 1 .. 3;
			$b[0] = 1 + $b[0] % 222;
			$net = join('.', @b) . '.0/24';
			$addr = join('.', @b) . '.' . (1 + $rand->() % 254);
		} else {
			my @w = map { $rand->() % 65536 } 1 .. 2;
			$net = sprintf('2a%02x:%x:%x::/48', $rand->() % 256, @w);
			($addr = $net) =~ s{::/48$}{};
			$addr .= sprintf('::%x', 1 + $rand->() % 65535);
		}
		next if $seen{$net}++;
		# ASNs from a pool of N / 6, skewed (the cube of a uniform
		# draw): a few operators hold many networks, as in real
		# databases, where those networks share one record
		my $as = 1 + int(($rand->() / 16777216) ** 3 * ($count / 6));
		$asn->insert_network($net, {
			autonomous_system_number => $as,
			autonomous_system_organization =>
			    "Synthetic Network Operator $as Ltd",
		});
		$city->insert_network($net, $cities[ $rand->() % 256 ]);
		push @addrs, $addr;
	}
	write_db($asn, "$out/bulk-asn.mmdb");
	write_db($city, "$out/bulk-city.mmdb");
	open(my $fh, '>', "$out/bulk-addrs.txt") or die "mkmmdb.pl: $!\n";
	print $fh "$_\n" for @addrs;
	close($fh) or die "mkmmdb.pl: $!\n";
}

usage() unless @ARGV == 2 || (@ARGV == 3 && $ARGV[0] eq '--synthetic');
if ($ARGV[0] eq '--synthetic') {
	usage() unless $ARGV[1] =~ /^[1-9]\d*$/;
	die "mkmmdb.pl: $ARGV[2]: not a directory\n" unless -d $ARGV[2];
	build_synthetic($ARGV[1], $ARGV[2]);
} else {
	die "mkmmdb.pl: $ARGV[1]: not a directory\n" unless -d $ARGV[1];
	build_all($ARGV[0], $ARGV[1]);
}
exit 0;
