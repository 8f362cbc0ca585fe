// Conditional GETs (RFC 9110 §13.1.2): whether a client's If-None-Match already names what it would get.
// Every cacheable route answers 304 through this one comparison, so a CDN's weakened tag (`W/"…"`, as
// proxies send after re-compressing a body), a list of tags or `*` is understood the same way everywhere.

/**
 * Whether the If-None-Match header names `etags`, one tag or any of several (weak comparison; a list;
 * `*` names any). Most requests carry no header: they cost one comparison and allocate nothing.
 */
export function ifNoneMatchNames(header: string | undefined, etags: string | readonly string[]): boolean {
  if (header === undefined || header === '') return false;
  const current = typeof etags === 'string' ? [etags] : etags;
  for (const listed of header.split(',')) {
    const tag = listed.trim().replace(/^W\//, '');
    if (tag === '*') return true;
    for (const etag of current) if (etag.replace(/^W\//, '') === tag) return true;
  }
  return false;
}
