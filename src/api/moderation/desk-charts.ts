/**
 * The desk lead's charts as server-rendered SVG (no chart library, nothing from a CDN). Every label
 * comes from our own data but is escaped anyway (moderator names are free text).
 */
import type { DeskFigures } from '../../infra/desk-stats-store';

const W = 640;
const H = 220;
const PAD = { l: 48, r: 12, t: 16, b: 36 };
const COLORS = ['#1f5fbf', '#b3261e', '#2e7d32', '#8e24aa', '#ef6c00', '#00838f'];
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const svg = (title: string, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${body}</svg>`;
const nice = (max: number) => (max <= 0 ? 1 : Math.pow(10, Math.floor(Math.log10(max))) * Math.ceil(max / Math.pow(10, Math.floor(Math.log10(max)))));

function axes(maxY: number, unit: string): string {
  const y0 = H - PAD.b;
  const ticks = [0, 0.5, 1].map((f) => {
    const y = y0 - f * (H - PAD.t - PAD.b);
    return `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y}" y2="${y}" stroke="#d9d9d3"/><text x="${PAD.l - 6}" y="${y + 4}" text-anchor="end" font-size="11">${esc(String(Math.round(maxY * f * 10) / 10))}${unit}</text>`;
  });
  return ticks.join('');
}

const hhmm = (iso: string) => iso.slice(11, 16);

/** Two lines over time: the flagged backlog and the age of its oldest item (minutes). */
export function backlogChart(samples: DeskFigures['backlog']): string {
  if (samples.length === 0) return svg('Flagged backlog over time: no samples yet', `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No samples yet</text>`);
  const maxB = nice(Math.max(...samples.map((s) => s.backlog)));
  const maxA = nice(Math.max(...samples.map((s) => s.oldestAgeSeconds / 60)));
  const x = (i: number) => PAD.l + (samples.length === 1 ? 0 : (i / (samples.length - 1)) * (W - PAD.l - PAD.r));
  const y = (v: number, max: number) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b);
  const line = (vals: number[], max: number, color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${vals.map((v, i) => `${x(i).toFixed(1)},${y(v, max).toFixed(1)}`).join(' ')}"/>` +
    (vals.length <= 60 ? vals.map((v, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v, max).toFixed(1)}" r="3" fill="${color}"/>`).join('') : '');
  const labels = [0, samples.length - 1].map((i) => `<text x="${x(i)}" y="${H - 18}" font-size="11" text-anchor="${i ? 'end' : 'start'}">${hhmm(samples[i].at)} UTC</text>`);
  const last = samples[samples.length - 1];
  return svg(
    `Flagged backlog (now ${last.backlog}) and oldest item age (now ${Math.round(last.oldestAgeSeconds / 60)} min) over time`,
    axes(maxB, '') +
      line(samples.map((s) => s.backlog), maxB, COLORS[0]) +
      line(samples.map((s) => s.oldestAgeSeconds / 60), maxA, COLORS[1]) +
      labels.join('') +
      `<text x="${PAD.l}" y="${H - 4}" font-size="11" fill="${COLORS[0]}">— backlog (items)</text><text x="${PAD.l + 160}" y="${H - 4}" font-size="11" fill="${COLORS[1]}">— oldest age (0–${maxA} min)</text>`,
  );
}

/** Stacked bars: decisions per hour, one colour per moderator. */
export function perHourChart(rows: DeskFigures['perHour']): string {
  if (rows.length === 0) return svg('Decisions per hour: none yet', `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No decisions yet</text>`);
  const hours = [...new Set(rows.map((r) => r.hour))].sort();
  const mods = [...new Set(rows.map((r) => r.moderator))].sort();
  const totals = hours.map((h) => rows.filter((r) => r.hour === h).reduce((n, r) => n + r.decisions, 0));
  const max = nice(Math.max(...totals));
  const bw = (W - PAD.l - PAD.r) / hours.length;
  let bars = '';
  hours.forEach((h, i) => {
    let acc = 0;
    for (const [m, mod] of mods.entries()) {
      const n = rows.find((r) => r.hour === h && r.moderator === mod)?.decisions ?? 0;
      if (!n) continue;
      const y1 = H - PAD.b - ((acc + n) / max) * (H - PAD.t - PAD.b);
      const hgt = (n / max) * (H - PAD.t - PAD.b);
      bars += `<rect x="${(PAD.l + i * bw + 2).toFixed(1)}" y="${y1.toFixed(1)}" width="${Math.max(1, bw - 4).toFixed(1)}" height="${hgt.toFixed(1)}" fill="${COLORS[m % COLORS.length]}"><title>${esc(mod)}: ${n} at ${hhmm(h)}</title></rect>`;
      acc += n;
    }
    if (hours.length <= 12 || i % Math.ceil(hours.length / 12) === 0) bars += `<text x="${(PAD.l + i * bw + bw / 2).toFixed(1)}" y="${H - 20}" font-size="10" text-anchor="middle">${hhmm(h)}</text>`;
  });
  const legend = mods.map((m, i) => `<text x="${PAD.l + i * 130}" y="${H - 4}" font-size="11" fill="${COLORS[i % COLORS.length]}">■ ${esc(m.slice(0, 18))}</text>`).join('');
  return svg(`Decisions per hour by moderator (${mods.length} moderators)`, axes(max, '') + bars + legend);
}

/** Horizontal bars: share of moderator decisions that overturned the model, per reason code. */
export function overturnChart(rows: DeskFigures['overturns']): string {
  if (rows.length === 0) return svg('Overturn rate per reason: no decisions yet', `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No decisions yet</text>`);
  const rowH = Math.min(24, (H - PAD.t - 8) / rows.length);
  const x0 = 150;
  const bars = rows
    .map((r, i) => {
      const y = PAD.t + i * rowH;
      const w = r.rate * (W - x0 - 80);
      return `<text x="${x0 - 8}" y="${y + rowH * 0.7}" font-size="11" text-anchor="end">${esc(r.code)}</text><rect x="${x0}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" fill="${COLORS[1]}"/><text x="${x0 + w + 6}" y="${y + rowH * 0.7}" font-size="11">${Math.round(r.rate * 100)}% of ${r.decided}</text>`;
    })
    .join('');
  return svg('Overturn rate per reason (moderator approved what the model flagged or rejected, or rejected what it approved)', bars);
}
