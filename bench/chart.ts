// A hand-written SVG chart (no dependencies): throughput and p99 latency against offered load
// (connections, each a closed loop) for each server, on log scales so a 20× gap stays readable.

/** One measured point. */
export interface ChartPoint {
  connections: number;
  opsPerSec: number;
  p99Ms: number;
}

/** One server's line. */
export interface ChartSeries {
  name: string;
  color: string;
  points: ChartPoint[];
}

const PANEL_W = 420;
const PANEL_H = 300;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 50 };
const GAP = 40;

/** 1, 2, 5 × 10^k ticks covering [lo, hi]. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** k;
      if (t >= lo && t <= hi) ticks.push(t);
    }
  }
  return ticks;
}

function label(x: number): string {
  if (x >= 1000) return `${x / 1000}k`;
  return String(x);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One panel: `value` of every series against connections, log-log. */
function panel(series: ChartSeries[], value: (p: ChartPoint) => number, title: string, unit: string, offsetX: number): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.connections));
  const ys = series.flatMap((s) => s.points.map(value)).filter((v) => v > 0);
  const xLo = Math.min(...xs);
  const xHi = Math.max(...xs);
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const x = (c: number): number => offsetX + MARGIN.left + (xHi === xLo ? w / 2 : ((Math.log(c) - Math.log(xLo)) / (Math.log(xHi) - Math.log(xLo))) * w);
  const y = (v: number): number => MARGIN.top + h - ((Math.log(Math.max(v, yLo)) - Math.log(yLo)) / (Math.log(yHi) - Math.log(yLo))) * h;
  const out: string[] = [];
  out.push(`<text x="${offsetX + MARGIN.left + w / 2}" y="22" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`);
  for (const t of logTicks(yLo, yHi)) {
    out.push(`<line x1="${offsetX + MARGIN.left}" x2="${offsetX + MARGIN.left + w}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${offsetX + MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end">${label(t)}</text>`);
  }
  for (const c of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<line x1="${x(c)}" x2="${x(c)}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="#eee"/>`);
    out.push(`<text x="${x(c)}" y="${MARGIN.top + h + 16}" text-anchor="middle">${c}</text>`);
  }
  out.push(`<text x="${offsetX + MARGIN.left + w / 2}" y="${PANEL_H - 10}" text-anchor="middle">connections (closed loops), log scale</text>`);
  out.push(
    `<text transform="translate(${offsetX + 16} ${MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(unit)}, log scale</text>`,
  );
  out.push(`<rect x="${offsetX + MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (const s of series) {
    const points = [...s.points].sort((a, b) => a.connections - b.connections);
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.connections).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of points) {
      out.push(`<circle cx="${x(p.connections).toFixed(1)}" cy="${y(value(p)).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
  }
  return out.join('\n');
}

/** The chart as an SVG document; `caption` says how it was measured. */
export function renderChart(series: ChartSeries[], caption: string): string {
  const width = PANEL_W * 2 + GAP;
  const height = PANEL_H + 50;
  const legend = series
    .map((s, i) => {
      const lx = MARGIN.left + i * 200;
      return `<rect x="${lx}" y="${PANEL_H + 8}" width="14" height="4" fill="${s.color}"/><text x="${lx + 20}" y="${PANEL_H + 14}">${escapeXml(s.name)}</text>`;
    })
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(series, (p) => p.opsPerSec, 'hold+release throughput', 'commands/s', 0),
    panel(series, (p) => p.p99Ms, 'p99 latency', 'ms', PANEL_W + GAP),
    legend,
    `<text x="${MARGIN.left}" y="${PANEL_H + 36}" fill="#555">${escapeXml(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
