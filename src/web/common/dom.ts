// A tiny element builder: the pages need a few dozen elements, not a framework.

type Attributes = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates `<tag>` with attributes (false/null/undefined skipped, true as "") and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** The element with `id`, which the page's HTML must contain. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/**
 * A whole number grouped by thousands the English way, as the pages are written: `100,000`. Not
 * toLocaleString or Intl: their first use costs a fresh page 35–60 ms of ICU set-up on the main thread
 * (headless Chromium, 2026-12-06), and the seat map's legend and labels would make its first paint wait
 * for it.
 */
export function grouped(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  return (n < 0 && digits !== '0' ? '-' : '') + digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

/** Amounts are integers in the smallest currency unit; shown with two decimals, grouped like `grouped`. */
export function money(amount: number): string {
  const cents = Math.round(Math.abs(amount));
  return `${amount < 0 && cents > 0 ? '-' : ''}${grouped(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`;
}

/** `m:ss` for a countdown. */
export function clock(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
