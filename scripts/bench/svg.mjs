// The throughput chart for the README, as a hand-written SVG (no dependency): per contender, one
// bar for keep-alive and one for new connection per request, each scaled to its own workload's
// best so both are readable (keep-alive figures are ~4x the others), with the value written on.

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const k = (n) => (n == null ? "–" : `${(n / 1000).toFixed(1)}k`);

export function throughputSvg({ rows, title }) {
  const W = 820;
  const labelW = 250;
  const colW = (W - labelW - 40) / 2;
  const rowH = 30;
  const top = 64;
  const H = top + rows.length * rowH + 28;
  const cols = [
    { key: "keepalive", name: "keep-alive req/s", color: "#4f7cac" },
    { key: "close", name: "new connection per request req/s", color: "#d08c3a" },
  ];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="600" fill="#222">${esc(title)}</text>`,
  ];
  cols.forEach((c, ci) => {
    const x0 = labelW + ci * (colW + 20);
    parts.push(`<text x="${x0}" y="52" fill="#444">${esc(c.name)}</text>`);
    const best = Math.max(...rows.map((r) => r[c.key].rps ?? 0), 1);
    rows.forEach((r, i) => {
      const y = top + i * rowH;
      const v = r[c.key].rps ?? 0;
      const w = Math.max(1, ((colW - 60) * v) / best);
      parts.push(`<rect x="${x0}" y="${y + 5}" width="${w.toFixed(1)}" height="${rowH - 12}" rx="2" fill="${c.color}"/>`);
      parts.push(`<text x="${(x0 + w + 5).toFixed(1)}" y="${y + rowH / 2 + 4}" fill="#222">${k(r[c.key].rps)}</text>`);
    });
  });
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2 + 4;
    const bold = r.id.startsWith("unicluster") ? ' font-weight="600"' : "";
    parts.push(`<text x="16" y="${y}" fill="#222"${bold}>${esc(r.label)}</text>`);
  });
  parts.push(`<text x="16" y="${H - 10}" font-size="11" fill="#777">Bars scaled per workload; medians, same machine, same run. Higher is better.</text>`);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
