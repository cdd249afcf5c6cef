/*
  Pieces of ink: the 8-connected pieces of a 0/1 mask, labelled once for all of the scan
  check's scripts (controle-check.js: the ink in a box; controle-mrz.js: the characters on an
  ID copy and the ink at the personal number's place).
*/

/**
 * The 8-connected pieces of ink (mask: width x height, 1 = ink) within the box r ({x0, y0,
 * x1, y1}, ends excluded; default: the whole mask), pixels where skip(x, y) is true left out.
 * Returns {pieces, label}: each piece's id (from 1), its box (x0..x1, y0..y1, ends included,
 * in the mask's coordinates), w, h and area (pixels); label (Int32Array over the box, row by
 * row from its top-left corner) holds each pixel's piece id, 0 where there is no ink.
 */
export function labelPieces(mask, width, height, r = null, skip = null) {
  const bx0 = r ? Math.max(0, r.x0) : 0, by0 = r ? Math.max(0, r.y0) : 0;
  const bx1 = r ? Math.min(width, r.x1) : width, by1 = r ? Math.min(height, r.y1) : height;
  const w = Math.max(0, bx1 - bx0), h = Math.max(0, by1 - by0);
  const label = new Int32Array(w * h);
  const pieces = [];
  const isInk = (i, j) => mask[(j + by0) * width + i + bx0] === 1 &&
    !(skip && skip(i + bx0, j + by0));
  const stack = [];
  for (let start = 0; start < label.length; start++) {
    if (label[start] || !isInk(start % w, (start - (start % w)) / w)) continue;
    const id = pieces.length + 1;
    let minX = w, maxX = 0, minY = h, maxY = 0, area = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop();
      const i = p % w, j = (p - i) / w;
      area++;
      if (i < minX) minX = i;
      if (i > maxX) maxX = i;
      if (j < minY) minY = j;
      if (j > maxY) maxY = j;
      for (let dj = -1; dj <= 1; dj++) {
        const nj = j + dj;
        if (nj < 0 || nj >= h) continue;
        for (let di = -1; di <= 1; di++) {
          const ni = i + di;
          if (ni < 0 || ni >= w) continue;
          const n = nj * w + ni;
          if (!label[n] && isInk(ni, nj)) { label[n] = id; stack.push(n); }
        }
      }
    }
    pieces.push({ id, x0: minX + bx0, x1: maxX + bx0, y0: minY + by0, y1: maxY + by0,
      w: maxX - minX + 1, h: maxY - minY + 1, area });
  }
  return { pieces, label };
}
