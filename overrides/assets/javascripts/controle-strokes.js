/*
  Pen strokes against grain, as the validator tells them (formgen.check.ink.stroke_strength):
  per pixel, how much darker the paper is along the darkest straight piece of a few pixels
  through it than on average in every direction. The segments are OpenCV's (formulier.json
  `strokes`), each correlated as cv2.filter2D does (its default border, BORDER_REFLECT_101).
*/

import { reflect } from "./controle-pen.js";

function correlated(src, w, h, taps) {
  // taps: [[dx, dy, weight], ...] from the kernel's centre; the image padded by reflection once
  const r = Math.max(...taps.map(([dx, dy]) => Math.max(Math.abs(dx), Math.abs(dy))));
  const pw = w + 2 * r, padded = new Float64Array(pw * (h + 2 * r));
  for (let y = -r; y < h + r; y++) {
    const row = reflect(y, h) * w, o = (y + r) * pw + r;
    for (let x = -r; x < w + r; x++) padded[o + x] = src[row + reflect(x, w)];
  }
  const out = new Float64Array(w * h);
  for (const [dx, dy, v] of taps) {
    for (let y = 0; y < h; y++) {
      const from = (y + r + dy) * pw + r + dx, to = y * w;
      for (let x = 0; x < w; x++) out[to + x] += v * padded[from + x];
    }
  }
  return out;
}

/**
 * The stroke strength of each pixel of dark (w x h: grey levels darker than the paper, 0-255)
 * for the segments c.kernels (each [[dx, dy, weight], ...]) and their mean c.mean.
 */
export function strokeStrength(dark, w, h, c) {
  const darkest = new Float64Array(w * h);
  for (const taps of c.kernels) {
    const along = correlated(dark, w, h, taps);
    for (let o = 0; o < along.length; o++) if (along[o] > darkest[o]) darkest[o] = along[o];
  }
  const mean = correlated(dark, w, h, c.mean);
  return darkest.map((v, o) => v - mean[o]);
}
