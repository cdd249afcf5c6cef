/*
  Is a box where the page's placement says? Its printed border looked for nearby, as the
  validator looks for it (formgen.check.placement, whose constants formulier.json carries as
  "place"): a fold, a curled photo or a bowed page leaves one part of a page a few pixels off
  the corner marks' one homography, or bends a box's border along a crease. The box is then
  measured where its border was found, straightened where it was bent.

  Pixels here are the check's (place.dpi); region(x0, y0, w, h) gives the page's grey there
  (255 outside the photo), thin the blank form's print (1: printed) at the same scale.
*/

import { morph } from "./controle-morph.js";

// How much darker than the paper around it each pixel is (formgen.check.ink.darker_than_paper:
// the paper by a grey closing), and the level from which it is dark (placement's DARK, or on a
// faded copy DARK_SHARE of its darkest ink, at least FAINT).
function darkness(grey, w, h, place) {
  const paper = morph(morph(grey, w, h, place.paper_window, true), w, h, place.paper_window, false);
  const contrast = new Int16Array(w * h);
  for (let o = 0; o < contrast.length; o++) contrast[o] = paper[o] - grey[o];
  return contrast;
}

const PAD = 8; // px of paper around a region, so its paper is judged at its edges too

// The darkness over x0, y0, w, h (px), its paper judged with PAD px around (within the page):
// cut from one larger region's (around) where that holds it with its pad, as the closing reaches
// no further than the pad's worth of paper it is judged on
function darknessIn(region, dims, x0, y0, w, h, place, around) {
  const rx0 = Math.max(0, x0 - PAD), ry0 = Math.max(0, y0 - PAD);
  const rx1 = Math.min(dims.width, x0 + w + PAD), ry1 = Math.min(dims.height, y0 + h + PAD);
  const from = around && around.x0 <= rx0 && around.y0 <= ry0 && around.x1 >= rx1 &&
    around.y1 >= ry1 ? around : null;
  if (from) return crop(from.contrast, from.x1 - from.x0, x0 - from.x0, y0 - from.y0, w, h);
  const all = darkness(region(rx0, ry0, rx1 - rx0, ry1 - ry0), rx1 - rx0, ry1 - ry0, place);
  return crop(all, rx1 - rx0, x0 - rx0, y0 - ry0, w, h);
}

function darkLevel(contrast, place) {
  // numpy's percentile (linear) at 99 over the values, by a histogram of -255..255
  const hist = new Uint32Array(511);
  for (const v of contrast) hist[v + 255]++;
  const at = 0.99 * (contrast.length - 1), lo = Math.floor(at), frac = at - lo;
  let seen = 0, low = null, high = null;
  for (let b = 0; b < 511 && high === null; b++) {
    seen += hist[b];
    if (low === null && seen > lo) low = b - 255;
    if (seen > lo + 1) high = b - 255;
  }
  if (high === null) high = low;
  const p99 = low + frac * (high - low);
  return Math.min(place.dark, Math.max(place.faint, place.dark_share * p99));
}

function crop(src, w, x0, y0, cw, ch) {
  const out = new Int16Array(cw * ch);
  for (let y = 0; y < ch; y++) out.set(src.subarray((y + y0) * w + x0, (y + y0) * w + x0 + cw), y * cw);
  return out;
}

function boxPx(rect, k) {
  return { x0: Math.round(rect.x * k), y0: Math.round(rect.y * k),
    x1: Math.round((rect.x + rect.width) * k), y1: Math.round((rect.y + rect.height) * k) };
}

export function found(o, place) {
  // formgen.check.decision.border_found
  return o.score >= place.found_score && o.cover >= place.found_cover &&
    Math.max(Math.abs(o.dx), Math.abs(o.dy)) < o.search;
}

export function inPlace(o, place) {
  return found(o, place) && Math.max(Math.abs(o.dx), Math.abs(o.dy)) <= place.in_place &&
    !o.bend.length;
}

// The border searched within search px; above: px of print above and below the box matched
// with it (OpenCV's matchTemplate, TM_CCORR_NORMED, on the dark pixels; the cover as
// placement._covered: the share of the print dark there, in the half of the box with least).
function search(region, thin, dims, rect, place, within, above, around) {
  const k = place.dpi / 72, m = place.margin, b = boxPx(rect, k);
  const reach = m + within, tall = above + within, none = { dx: 0, dy: 0, score: 0, cover: 0,
    search: within, bend: [], x0: 0 };
  if (b.x0 - reach < 0 || b.y0 - tall < 0 || b.x1 + reach > dims.width ||
    b.y1 + tall > dims.height) return none;
  const cw = b.x1 - b.x0 + 2 * reach, ch = b.y1 - b.y0 + 2 * tall;
  const contrast = darknessIn(region, dims, b.x0 - reach, b.y0 - tall, cw, ch, place, around);
  const level = darkLevel(contrast, place);
  const dark = new Uint8Array(cw * ch);
  let anyDark = false;
  for (let o = 0; o < dark.length; o++) if (contrast[o] > level) { dark[o] = 1; anyDark = true; }
  const tw = b.x1 - b.x0 + 2 * m, th = b.y1 - b.y0 + 2 * above;
  const printed = [];
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      if (thin[(b.y0 - above + y) * dims.width + b.x0 - m + x]) printed.push(y * cw + x);
    }
  }
  if (!anyDark || !printed.length) return none;
  // the dark pixels under the template at each place: an integral image
  const sums = new Uint32Array((cw + 1) * (ch + 1));
  for (let y = 0; y < ch; y++) {
    let row = 0;
    for (let x = 0; x < cw; x++) {
      row += dark[y * cw + x];
      sums[(y + 1) * (cw + 1) + x + 1] = sums[y * (cw + 1) + x + 1] + row;
    }
  }
  let best = -1, bx = 0, by = 0;
  for (let y = 0; y + th <= ch; y++) {
    for (let x = 0; x + tw <= cw; x++) {
      const at = y * cw + x;
      let hits = 0;
      for (const p of printed) hits += dark[at + p];
      const under = sums[(y + th) * (cw + 1) + x + tw] - sums[y * (cw + 1) + x + tw] -
        sums[(y + th) * (cw + 1) + x] + sums[y * (cw + 1) + x];
      const score = under ? hits / Math.sqrt(printed.length * under) : 0;
      if (score > best) { best = score; bx = x; by = y; }
    }
  }
  // the cover: the print dark there give or take a pixel, per half of the box
  const half = th >> 1, counts = [[0, 0], [0, 0]];
  for (const p of printed) {
    const py = Math.floor(p / cw), px = p % cw, part = py < half ? 0 : 1;
    let there = 0;
    for (let dy = -1; dy <= 1 && !there; dy++) {
      for (let dx = -1; dx <= 1 && !there; dx++) {
        const y = by + py + dy, x = bx + px + dx;
        if (y >= 0 && x >= 0 && y < ch && x < cw && dark[y * cw + x]) there = 1;
      }
    }
    counts[part][0] += there;
    counts[part][1] += 1;
  }
  const cover = Math.min(...counts.map(([d, n]) => (n ? d / n : 0)));
  return { dx: bx - within, dy: by - within, score: best, cover, search: within, bend: [], x0: 0 };
}

// Where the box's printed border lies on the page, from where the placement puts it
// (placement.find_box): within place.search px; where not found whole there, up to
// place.follow px, taken only beyond the search and where the print around it matches too.
export function findBox(region, thin, dims, rect, place) {
  // the darkness once, over all that the searches and a bend's lines may look at
  const b = boxPx(rect, place.dpi / 72), reach = place.margin + place.follow + PAD;
  const tall = Math.max(place.context + place.follow, place.follow + place.bend_reach + 3) + PAD;
  const x0 = Math.max(0, b.x0 - reach), y0 = Math.max(0, b.y0 - tall);
  const x1 = Math.min(dims.width, b.x1 + reach), y1 = Math.min(dims.height, b.y1 + tall);
  const around = { x0, y0, x1, y1,
    contrast: darkness(region(x0, y0, x1 - x0, y1 - y0), x1 - x0, y1 - y0, place) };
  const at = (within, above) => search(region, thin, dims, rect, place, within, above, around);
  const bend = (o) => bent(region, thin, dims, rect, place, o, around);
  const near = at(place.search, place.margin);
  const whole = (o) => o.cover >= place.whole_cover;
  if (found(near, place) && whole(near)) return bend(near);
  const far = at(place.follow, place.margin);
  if (found(far, place) && whole(far) && Math.max(Math.abs(far.dx), Math.abs(far.dy)) >= place.search) {
    const context = at(place.follow, place.context);
    if (Math.max(Math.abs(context.dx - far.dx), Math.abs(context.dy - far.dy)) <= 1) return bend(far);
  }
  return found(near, place) ? bend(near) : near;
}

// The offset with its border's bend (placement._bent): the rows of the box's top and bottom
// lines followed together along its columns, where that path holds both lines on more columns
// than the straight border and lies bend_min px or more off in places.
function bent(region, thin, dims, rect, place, offset, around) {
  const k = place.dpi / 72, m = place.margin, b = boxPx(rect, k), R = place.bend_reach;
  const n = b.y1 - b.y0 + 2 * m, half = n >> 1;
  const rows = new Float64Array(n);
  for (let y = 0; y < n; y++) {
    for (let x = b.x0; x < b.x1; x++) rows[y] += thin[(b.y0 - m + y) * dims.width + x];
  }
  const argmax = (from, to) => {
    let at = from;
    for (let y = from; y < to; y++) if (rows[y] > rows[at]) at = y;
    return at;
  };
  if (b.x1 - b.x0 < 2 || !rows.subarray(0, half).some(Boolean) || !rows.subarray(half).some(Boolean)) {
    return offset;
  }
  const top = b.y0 - m + argmax(0, half) + offset.dy;
  const bottom = b.y0 - m + argmax(half, n) + offset.dy;
  const x0 = b.x0 + offset.dx, x1 = b.x1 + offset.dx;
  const ry0 = top - R - 1, ry1 = bottom + R + 2;
  if (ry0 - PAD < 0 || x0 - PAD < 0 || ry1 + PAD > dims.height || x1 + PAD > dims.width) return offset;
  const contrast = darknessIn(region, dims, x0, ry0, x1 - x0, ry1 - ry0, place, around);
  const level = darkLevel(contrast, place);
  const w = x1 - x0, h = ry1 - ry0;
  const isDark = (y, x) => y >= 0 && y < h && contrast[y * w + x] > level;
  // dark, widened by a row up and down (a 3x1 dilation)
  const dark = (y, x) => isDark(y - 1, x) || isDark(y, x) || isDark(y + 1, x);
  const shifts = 2 * R + 1;
  const held = Array.from({ length: shifts }, () => new Float32Array(w));
  for (let s = 0; s < shifts; s++) {
    for (let x = 0; x < w; x++) {
      held[s][x] = dark(top - ry0 + s - R, x) && dark(bottom - ry0 + s - R, x) ? 1 : 0;
    }
  }
  // columns where the border is a line: dark at no more than bend_line_shifts shifts in a row
  const lines = new Uint8Array(w);
  let lineColumns = 0;
  for (let x = 0; x < w; x++) {
    let run = 0, longest = 0;
    for (let s = 0; s < shifts; s++) {
      run = held[s][x] ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    lines[x] = longest <= place.bend_line_shifts ? 1 : 0;
    lineColumns += lines[x];
  }
  if (lineColumns / w < place.bend_clear) return offset;
  let straight = 0, anyShift = 0;
  for (let s = 0; s < shifts; s++) {
    let sum = 0;
    for (let x = 0; x < w; x++) { held[s][x] *= lines[x]; sum += held[s][x]; }
    straight = Math.max(straight, sum / w);
  }
  for (let x = 0; x < w; x++) {
    let most = 0;
    for (let s = 0; s < shifts; s++) most = Math.max(most, held[s][x]);
    anyShift += most;
  }
  if (anyShift / w - straight < place.bend_gain) return offset;
  const path = follow(held, w, place.bend_step_cost);
  let along = 0;
  for (let x = 0; x < w; x++) along += held[path[x]][x];
  const gain = along / w - straight;
  const sorted = Array.from(path).sort((a, c) => a - c);
  const mid = w % 2 ? sorted[w >> 1] : (sorted[w / 2 - 1] + sorted[w / 2]) / 2;
  const median = Math.trunc(mid - R); // int(np.median(shifts[path]))
  const bend = Array.from(path, (s) => s - R - median);
  let offHeld = 0, offCount = 0;
  for (let x = 0; x < w; x++) {
    if (Math.abs(bend[x]) >= place.bend_min && lines[x]) { offCount++; offHeld += held[path[x]][x]; }
  }
  if (!offCount || gain < place.bend_gain || offHeld / offCount < place.bend_held) return offset;
  return { ...offset, bend, x0 };
}

// The path through held (shifts x columns) that holds most, a shift per column, moving a row per
// column at most, each move costing stepCost (placement._follow; ties as numpy's argmax: stay,
// then from the shift below, then from the one above).
function follow(held, w, stepCost) {
  const n = held.length;
  let total = Float64Array.from(held, (row) => row[0]);
  const came = Array.from({ length: w }, () => new Int8Array(n));
  for (let x = 1; x < w; x++) {
    const next = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      const options = [total[s], s > 0 ? total[s - 1] - stepCost : -Infinity,
        s < n - 1 ? total[s + 1] - stepCost : -Infinity];
      let pick = 0;
      if (options[1] > options[pick]) pick = 1;
      if (options[2] > options[pick]) pick = 2;
      came[x][s] = pick;
      next[s] = options[pick] + held[s][x];
    }
    total = next;
  }
  const path = new Int32Array(w);
  let at = 0;
  for (let s = 1; s < n; s++) if (total[s] > total[at]) at = s;
  path[w - 1] = at;
  for (let x = w - 1; x > 0; x--) {
    const c = came[x][path[x]];
    path[x - 1] = path[x] - (c === 1 ? 1 : c === 2 ? -1 : 0);
  }
  return path;
}

// Where the view of a box moved by offset takes a point (pt) from (placement.moved: what lies at
// the offset comes to the box's place; a bent border's columns each by their own rows, the
// bend's ends carried on)
export function movedPoint(offset, place, x, y) {
  const k = place.dpi / 72;
  let rows = offset.dy;
  if (offset.bend.length) {
    const column = Math.floor(x * k) + offset.dx - offset.x0;
    rows += offset.bend[Math.max(0, Math.min(offset.bend.length - 1, column))];
  }
  return [x + offset.dx / k, y + rows / k];
}
