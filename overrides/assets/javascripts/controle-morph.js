/*
  A grey image's max or min over a square window (dilation, erosion), as OpenCV's with its
  default border (what lies outside counts for nothing): what the page's scripts share for the
  paper's brightness (a closing), for the print widened and for clumps of toner.
*/

function alongRows(src, w, h, win, isMax) {
  // the max (min) over a window of win px centred on each pixel of each row (van Herk /
  // Gil-Werman: a running max from each block's start and from its end)
  const r = win >> 1, neutral = isMax ? 0 : 255;
  const len = Math.ceil((w + 2 * r) / win) * win;
  const pad = new Uint8Array(len), g = new Uint8Array(len), s = new Uint8Array(len);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    pad.fill(neutral);
    pad.set(src.subarray(y * w, y * w + w), r);
    for (let b = 0; b < len; b += win) {
      let up = neutral, down = neutral;
      if (isMax) {
        for (let i = b; i < b + win; i++) { const v = pad[i]; up = v > up ? v : up; g[i] = up; }
        for (let i = b + win - 1; i >= b; i--) { const v = pad[i]; down = v > down ? v : down; s[i] = down; }
      } else {
        for (let i = b; i < b + win; i++) { const v = pad[i]; up = v < up ? v : up; g[i] = up; }
        for (let i = b + win - 1; i >= b; i--) { const v = pad[i]; down = v < down ? v : down; s[i] = down; }
      }
    }
    const o = y * w;
    if (isMax) for (let i = 0; i < w; i++) { const a = s[i], c = g[i + win - 1]; out[o + i] = a > c ? a : c; }
    else for (let i = 0; i < w; i++) { const a = s[i], c = g[i + win - 1]; out[o + i] = a < c ? a : c; }
  }
  return out;
}

export function transposed(src, w, h) {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = src[y * w + x];
  return out;
}

export function morph(src, w, h, win, isMax) {
  const rows = alongRows(src, w, h, win, isMax);
  return transposed(alongRows(transposed(rows, w, h), h, w, win, isMax), h, w);
}
