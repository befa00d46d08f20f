// Whose per-client limits a request draws on: its address, as the Worker sees it.

/**
 * Whose buckets a request uses: the client address Cloudflare reports (CF-Connecting-IP; wrangler
 * dev and `npm start` set it from the socket's address too), an IPv6 address by its /64 (one
 * subscriber gets a whole /64), or one shared local bucket where there is no such header (tests
 * calling the Worker directly).
 */
export function clientKey(connectingIp: string | undefined): string {
  const ip = connectingIp?.trim();
  if (!ip) return "local";
  if (!ip.includes(":")) return `ip:${ip}`;
  return `ip6:${ipv6Prefix64(ip)}`;
}

/** The first four groups of an IPv6 address, expanded ("2001:db8::1" -> "2001:db8:0:0"). */
function ipv6Prefix64(ip: string): string {
  const [head, tail] = ip.toLowerCase().split("::", 2);
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const missing = Math.max(0, 8 - left.length - right.length);
  const groups = tail === undefined ? left : [...left, ...Array<string>(missing).fill("0"), ...right];
  return groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":");
}
