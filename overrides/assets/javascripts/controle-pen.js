/*
  Did a pen go through the signature box? The longest smooth piece of dark line in it, as the
  validator measures it (formgen.check.signature.longest_pen_curve): ridges of darkness at pen
  widths (a Hessian filter at a few Gaussian scales: strongly curved across, hardly along),
  thinned to one pixel (Zhang and Suen, as scikit-image's skeletonize), cut at every junction,
  off the blank's print; the diagonal of the longest piece's box. A pen leaves long smooth
  pieces between its crossings; a dirty drum's stipple a mesh of short crooked ones.
*/

import { labelPieces } from "./controle-pieces.js";

export function reflect(i, n) {
  // OpenCV's default border (BORDER_REFLECT_101: dcb|abcd|cba)
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

function separable(src, w, h, kx, ky) {
  // src correlated with the kernel kx (along rows) times ky (down columns), as cv2.sepFilter2D
  const rx = kx.length >> 1, ry = ky.length >> 1;
  const tmp = new Float64Array(w * h), out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = 0; i < kx.length; i++) s += kx[i] * src[o + reflect(x + i - rx, w)];
      tmp[o + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = 0; i < ky.length; i++) s += ky[i] * tmp[reflect(y + i - ry, h) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

function gaussianKernel(sigma) {
  // cv2.GaussianBlur's kernel for a float image and ksize (0, 0): 8 sigma + 1 taps, odd
  const n = Math.round(sigma * 8 + 1) | 1, c = (n - 1) / 2;
  const k = Array.from({ length: n }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

const SMOOTH = [1, 2, 1], SECOND = [1, -2, 1], FIRST = [-1, 0, 1]; // Sobel, ksize 3

function ridge(dark, w, h, sigma, out) {
  // per pixel, the Hessian's stronger curvature across a dark line less the weaker one along
  // it (a dot curves both ways), scale-normalised; the larger of out and it kept in out
  const g = gaussianKernel(sigma);
  const blurred = separable(dark, w, h, g, g);
  const dxx = separable(blurred, w, h, SECOND, SMOOTH);
  const dyy = separable(blurred, w, h, SMOOTH, SECOND);
  const dxy = separable(blurred, w, h, FIRST, FIRST);
  const s2 = sigma * sigma;
  for (let o = 0; o < out.length; o++) {
    const mean = (dxx[o] + dyy[o]) / 2;
    const spread = Math.hypot((dxx[o] - dyy[o]) / 2, dxy[o]);
    const v = Math.max(0, -(mean - spread) - Math.abs(mean + spread)) * s2;
    if (v > out[o]) out[o] = v;
  }
}

// scikit-image's look-up table for Zhang and Suen's thinning: per pattern of the 8 neighbours
// (clockwise from the top-left, bit 0 first), removed in the first pass (1), the second (2),
// both (3) or kept (0)
const ZHANG_SUEN = [
  0, 0, 0, 1, 0, 0, 1, 3, 0, 0, 3, 1, 1, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 3, 0, 3, 3,
  0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 2, 2,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 3, 0, 2, 0,
  0, 0, 3, 1, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
  3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  2, 3, 1, 3, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  2, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 0, 1, 0, 0, 0, 0, 2, 2, 0, 0, 2, 0, 0, 0,
];

export function skeleton(mask, w, h) {
  // mask (0/1) thinned to lines one pixel wide, as skimage.morphology.skeletonize (2-D)
  const W = w + 2, H = h + 2;
  let cur = new Uint8Array(W * H);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) cur[(y + 1) * W + x + 1] = mask[y * w + x] ? 1 : 0;
  let removed = true;
  while (removed) {
    removed = false;
    for (const pass of [1, 2]) {
      const next = cur.slice();
      for (let y = 1; y < H - 1; y++) {
        for (let x = 1; x < W - 1; x++) {
          const o = y * W + x;
          if (!cur[o]) continue;
          const kind = ZHANG_SUEN[cur[o - W - 1] + 2 * cur[o - W] + 4 * cur[o - W + 1] + 8 * cur[o + 1] +
            16 * cur[o + W + 1] + 32 * cur[o + W] + 64 * cur[o + W - 1] + 128 * cur[o - 1]];
          if (kind === 3 || kind === pass) { next[o] = 0; removed = true; }
        }
      }
      cur = next;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = cur[(y + 1) * W + x + 1];
  return out;
}

/**
 * px at the check's resolution: the longest smooth piece of dark pen line in the box (the
 * diagonal of its box).
 * dark: how much darker than the paper each pixel of a region is (w x h, grey levels, 0 or
 * more); box: the box's interior in the region ({x0, y0, x1, y1}, ends excluded); printed: the
 * blank's (widened) print over the region (1 = print); pen: {ridge_sigmas, ridge_level}.
 */
export function longestPenCurve(dark, w, h, box, printed, pen) {
  if (box.x1 <= box.x0 || box.y1 <= box.y0) return 0;
  const strength = new Float64Array(w * h);
  for (const sigma of pen.ridge_sigmas) ridge(dark, w, h, sigma, strength);
  const thin = skeleton(strength.map((v) => (v > pen.ridge_level ? 1 : 0)), w, h);
  // junctions (3 or more neighbours on the line) and the pixels around them cut the line
  const cut = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!thin[y * w + x]) continue;
      let n = -1;
      for (let j = Math.max(0, y - 1); j <= Math.min(h - 1, y + 1); j++) {
        for (let i = Math.max(0, x - 1); i <= Math.min(w - 1, x + 1); i++) n += thin[j * w + i];
      }
      if (n < 3) continue;
      for (let j = Math.max(0, y - 1); j <= Math.min(h - 1, y + 1); j++) {
        for (let i = Math.max(0, x - 1); i <= Math.min(w - 1, x + 1); i++) cut[j * w + i] = 1;
      }
    }
  }
  const pieces = new Uint8Array(w * h);
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const o = y * w + x;
      pieces[o] = thin[o] && !cut[o] && !printed[o] ? 1 : 0;
    }
  }
  let longest = 0;
  for (const p of labelPieces(pieces, w, h, box).pieces) longest = Math.max(longest, Math.hypot(p.w, p.h));
  return longest;
}
