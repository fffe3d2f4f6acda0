/** Names shared by the benchmark program and the simulator configuration it runs against. */

/** `<prefix>-01` … `<prefix>-<count>`. */
export function linkNames(prefix: string, count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(width, "0")}`);
}

/** `<link>-t001` … : tenants of one link (a tenant belongs to one link). */
export function tenantNames(link: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${link}-t${String(i + 1).padStart(3, "0")}`);
}
