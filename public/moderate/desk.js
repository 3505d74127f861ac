// The desk lead's page: figures of the signed-in moderator's current site, charts rendered by the
// server as SVG (parsed as SVG, never as HTML; the CSP allows no script in them anyway).
import { createApi } from './api.js';

const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem('moderatorToken') || '';
const site = sessionStorage.getItem('moderatorSite') || '';
const api = createApi(() => token, () => site);

function place(id, svgText) {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg') return;
  for (const node of svg.querySelectorAll('script, foreignObject')) node.remove();
  $(id).replaceChildren(document.importNode(svg, true));
}

const minutes = (s) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

async function load() {
  if (!token || !site) {
    $('desk-state').textContent = 'Sign in on the queue page first; this page uses the same session.';
    return;
  }
  try {
    const desk = await api.desk();
    $('desk-state').hidden = true;
    $('desk-now').hidden = false;
    $('now-backlog').textContent = String(desk.current.backlog);
    $('now-age').textContent = minutes(desk.current.oldestAgeSeconds);
    place('chart-backlog', desk.charts.backlog);
    place('chart-per-hour', desk.charts.perHour);
    place('chart-overturns', desk.charts.overturns);
  } catch (err) {
    $('desk-state').textContent = `Could not load the figures: ${err.message}`;
  }
}

load();
setInterval(load, 60_000);
