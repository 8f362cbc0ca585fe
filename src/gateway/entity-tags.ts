// Conditional GETs (RFC 9110 §13.1.2): whether a client's If-None-Match already names what it would get.
// Every cacheable route answers 304 through this one comparison, so a CDN's weakened tag (`W/"…"`, as
// proxies send after re-compressing a body), a list of tags or `*` is understood the same way everywhere.

/** Whether the If-None-Match header names one of `etags` (weak comparison; a list; `*` names any). */
export function ifNoneMatchNames(header: string | undefined, etags: readonly string[]): boolean {
  if (header === undefined || header === '') return false;
  for (const listed of header.split(',')) {
    const tag = listed.trim().replace(/^W\//, '');
    if (tag === '*') return true;
    for (const etag of etags) if (etag.replace(/^W\//, '') === tag) return true;
  }
  return false;
}
