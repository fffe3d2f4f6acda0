/** The message of an error, never anything else from it. MAPI errors carry no secrets by construction. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return typeof err === "string" ? err : "unknown error";
}
