import ipaddr from 'ipaddr.js';

/**
 * Whether Strata may connect to an address on a user's behalf. Only public unicast: everything
 * private, loopback, link-local, unique-local, multicast, broadcast, unspecified, carrier-grade
 * NAT (which holds 100.100.100.200, a cloud metadata address), benchmarking, documentation and
 * reserved is refused, and so is every IPv6 form that embeds an IPv4 address (mapped, compatible,
 * NAT64, 6to4, Teredo), since the network would deliver it to that IPv4 address. 169.254.169.254
 * is link-local and fd00:ec2::254 unique-local, so cloud metadata endpoints fall under the rules.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.range() !== 'unicast') return false;
  if (parsed.kind() === 'ipv6') {
    // IPv4-compatible (::a.b.c.d, deprecated): ipaddr.js calls it unicast, but it embeds an IPv4 address.
    const parts = (parsed as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((part) => part === 0)) return false;
  }
  return true;
}

/** An address literal of a URL host: brackets of IPv6 taken off; undefined for a DNS name. */
export function addressLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : undefined;
}
