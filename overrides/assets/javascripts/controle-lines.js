/*
  Straight lines and a dirty drum's bands around a box, as the validator takes them out before
  it counts ink (formgen.check.ink._lines and straight_runs): openings with one-pixel segments
  near the rows and near the columns (OpenCV's kernels, from formulier.json `lines`); thin runs
  that reach out of the box are lines (a fold, a border a few pixels off), thick ones the body
  of a band, which goes with the clumps hanging off it. Each kernel is taken as runs along the
  rows, so that a segment of 41 pixels costs a few passes, not 41.
*/

import { transposed } from "./controle-morph.js";
import { labelPieces } from "./controle-pieces.js";

const FAR = 1 << 30; // "to the edge" (erosion) or "none" (dilation)

function rowRuns(offsets) {
  // a kernel's pixels ([dx, dy] from its anchor) as runs along the rows: {dx, dy, len}
  const sorted = [...offsets].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const runs = [];
  for (const [dx, dy] of sorted) {
    const last = runs[runs.length - 1];
    if (last && last.dy === dy && last.dx + last.len === dx) last.len++;
    else runs.push({ dx, dy, len: 1 });
  }
  return runs;
}

function erode(src, w, h, runs) {
  // the min over the kernel at each pixel, as cv2.erode (outside the image counts as set)
  const reach = new Int32Array(w * h); // set pixels from here on along the row
  for (let y = 0; y < h; y++) {
    let r = FAR;
    for (let x = w - 1; x >= 0; x--) {
      const o = y * w + x;
      r = src[o] ? r + 1 : 0;
      reach[o] = r;
    }
  }
  const out = new Uint8Array(w * h).fill(1);
  for (const { dx, dy, len } of runs) {
    for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
      const o = y * w, so = (y + dy) * w;
      for (let x = 0; x < w; x++) {
        if (!out[o + x]) continue;
        let sx = x + dx, need = len;
        if (sx >= w) continue;
        if (sx < 0) { need += sx; sx = 0; if (need <= 0) continue; }
        if (reach[so + sx] < need) out[o + x] = 0;
      }
    }
  }
  return out;
}

function dilate(src, w, h, runs) {
  // the max over the kernel at each pixel, as cv2.dilate (outside the image counts as unset)
  const next = new Int32Array(w * h); // how far along the row the next set pixel lies
  for (let y = 0; y < h; y++) {
    let d = FAR;
    for (let x = w - 1; x >= 0; x--) {
      const o = y * w + x;
      d = src[o] ? 0 : d >= FAR ? FAR : d + 1;
      next[o] = d;
    }
  }
  const out = new Uint8Array(w * h);
  for (const { dx, dy, len } of runs) {
    for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
      const o = y * w, so = (y + dy) * w;
      for (let x = 0; x < w; x++) {
        if (out[o + x]) continue;
        let sx = x + dx, room = len;
        if (sx >= w) continue;
        if (sx < 0) { room += sx; sx = 0; if (room <= 0) continue; }
        if (next[so + sx] < room) out[o + x] = 1;
      }
    }
  }
  return out;
}

const SQUARE = rowRuns([-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => [dx, dy])));

function runsAlong(m, w, h, kernels, across, near, maxWidth) {
  // one family of segments (near the rows): {thin, band} as straight_runs finds them
  const runs = new Uint8Array(w * h), thick = new Uint8Array(w * h);
  kernels.forEach((kernel, i) => {
    const along = rowRuns(kernel), cross = rowRuns(across[i]);
    const run = dilate(erode(m, w, h, along), w, h, along);
    const wide = dilate(erode(run, w, h, cross), w, h, cross);
    for (let o = 0; o < runs.length; o++) { runs[o] |= run[o]; thick[o] |= wide[o]; }
  });
  const { pieces, label } = labelPieces(runs, w, h);
  const line = new Uint8Array(pieces.length + 1);
  for (const p of pieces) line[p.id] = p.area <= maxWidth * Math.hypot(p.w, p.h) ? 1 : 0;
  const body = dilate(thick, w, h, rowRuns(near));
  const thin = new Uint8Array(w * h), band = new Uint8Array(w * h);
  for (let o = 0; o < runs.length; o++) {
    if (!label[o]) continue;
    if (line[label[o]]) thin[o] = 1;
    else if (body[o]) band[o] = 1;
  }
  return { thin, band };
}

/**
 * The straight runs of dark (w x h, 0/1) near the rows or the columns (c: formulier.json
 * `lines`): {thin, band}, as formgen.check.ink.straight_runs.
 */
export function straightRuns(dark, w, h, c) {
  const m = dilate(dark, w, h, SQUARE); // slanted thin lines
  const swap = (kernel) => kernel.map(([dx, dy]) => [dy, dx]);
  const even = (_, i) => i % 2 === 0, odd = (_, i) => i % 2 === 1;
  const rows = runsAlong(m, w, h, c.kernels.filter(even), c.across.filter(even), c.near, c.max_width);
  // the columns' family on the image turned over its diagonal, where its segments lie along rows
  const cols = runsAlong(transposed(m, w, h), h, w, c.kernels.filter(odd).map(swap),
    c.across.filter(odd).map(swap), swap(c.near), c.max_width);
  const thin = transposed(cols.thin, h, w), band = transposed(cols.band, h, w);
  for (let o = 0; o < thin.length; o++) { thin[o] |= rows.thin[o]; band[o] |= rows.band[o]; }
  return { thin, band };
}

/**
 * The dark pixels (w x h, 0/1) on lines that reach out of the box (inside: {x0, y0, x1, y1},
 * its interior, ends excluded) more than c.beyond px, on a band's body, and on the clumps
 * shorter than c.piece_length that hang off it: formgen.check.ink._lines.
 */
export function linesOf(dark, w, h, inside, c) {
  const { thin, band } = straightRuns(dark, w, h, c);
  const bx0 = Math.max(0, inside.x0 - c.beyond), by0 = Math.max(0, inside.y0 - c.beyond);
  const bx1 = inside.x1 + c.beyond, by1 = inside.y1 + c.beyond;
  const lines = labelPieces(thin, w, h);
  const out = new Uint8Array(lines.pieces.length + 1);
  for (let o = 0; o < thin.length; o++) {
    const x = o % w, y = (o - x) / w;
    if (lines.label[o] && !(x >= bx0 && x < bx1 && y >= by0 && y < by1)) out[lines.label[o]] = 1;
  }
  const seed = Uint8Array.from(band, (v, o) => (v || out[lines.label[o]] ? 1 : 0));
  const found = dilate(seed, w, h, SQUARE).map((v, o) => v & dark[o]);
  const body = dilate(band, w, h, SQUARE).map((v, o) => v & dark[o]);
  const rest = dark.map((v, o) => v & (1 - found[o]));
  const near = dilate(body, w, h, SQUARE);
  const bits = labelPieces(rest, w, h);
  const clump = new Uint8Array(bits.pieces.length + 1);
  for (let o = 0; o < rest.length; o++) if (rest[o] && near[o]) clump[bits.label[o]] = 1;
  for (const p of bits.pieces) if (Math.max(p.w, p.h) >= c.piece_length) clump[p.id] = 0;
  return found.map((v, o) => v | clump[bits.label[o]]);
}
