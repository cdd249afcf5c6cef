/*
  The scan check in the customer's browser: a small subset of `formgen check` with the same
  meanings. Loaded only when the customer uses the section (controle.js).

  The form's pages, boxes, groups and the validator's ink measures come from
  controle/formulier.json, written at build time from the layout contract
  (formgen.site.scan_check). Where this check cannot be sure it says so
  ("dit kunnen we hier niet controleren"); it never calls a box written that it did not see
  written.

  Steps per page: decode (pdf.js for a PDF, the browser's own decoder for JPEG/PNG/HEIC), read
  the QR token (ZXing, WebAssembly), find the corner marks (js-aruco2, ArUco 4x4), map the
  contract's boxes onto the page with one homography, find each box's printed border near
  there (controle-place.js: moved or bent by a fold), and measure the ink in each box against
  the blank form (rendered with pdf.js from the site's own download) and, in a text box,
  against the noise of the paper around it; in the signature box, where its ink may be the
  noise's, whether a pen line runs through it (controle-pen.js).
*/

import { labelPieces } from "./controle-pieces.js";
import { morph } from "./controle-morph.js";
import { longestPenCurve } from "./controle-pen.js";
import { linesOf } from "./controle-lines.js";
import { strokeStrength } from "./controle-strokes.js";
import { findBox, found as borderFound, inPlace, movedPoint } from "./controle-place.js";

// Decisions of this check (the measures come from formulier.json): a box is written when this
// many pixels (at the check's resolution) of ink in specks of at least min_component pixels
// lie in it beyond the blank form's print; empty when there is no such ink and hardly any faint
// ink; anything between is left to the validator ("niet zeker").
const WRITTEN_MIN_PX = 40;
const EMPTY_MAX_FAINT_PX = 12;
const INSET_PT = 2.5; // the box's own border and a few pixels of misplacement stay out
const MARGIN_PT = 8; // paper around the box, for the paper's brightness
const PRINT_SLACK_PX = 2; // the blank's print is widened by this much: small misplacement
const MAX_RESIDUAL_PT = 4; // the marks and the QR code disagree more: no box is measured
const MAX_SIDE_PX = 2200; // photos are scaled down to this long side before reading
const MARKS_SIDE_PX = 900; // the corner marks are looked for on a copy this large
const LINE_THICKNESS_PX = 4; // a speck longer than LINE_LENGTH and this thin is a line
// a band down or across the page (a dirty drum): ink in the columns (rows) of a box, within
// BAND_SLACK_PX, in strips of paper from BAND_GAP_PT to BAND_PT from the box on both sides
const BAND_PT = 48;
const BAND_GAP_PT = 3;
const BAND_SLACK_PX = 12;

const STATUS_OK = "ok";
const STATUS_MISSING = "missing";
const STATUS_UNSURE = "unsure";
const CANNOT = "Dit kunnen we hier niet controleren.";
const SEAL_TEXT = "De QR-code op het formulier heeft een zegel: een code die laat zien dat de " +
  "gegevens op het formulier van ons komen en niet zijn veranderd. Die zegel controleert onze " +
  "klantenservice als uw formulier binnen is. " + CANNOT;

let parts = null;
const timings = {}; // ms per step, summed over pages: for the benchmark (data-timings)

async function timed(step, work) {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    timings[step] = Math.round((timings[step] || 0) + performance.now() - t0);
  }
}

function vendorUrl(base, name) {
  return new URL("vendor/" + name, base).href;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error("kan " + src + " niet laden"));
    document.head.appendChild(s);
  });
}

async function loadParts(base) {
  if (parts) return parts;
  const dataPromise = fetch(new URL("formulier.json", base).href).then((r) => {
    if (!r.ok) throw new Error("formulier.json: " + r.status);
    return r.json();
  });
  const pdfjs = await import(vendorUrl(base, "pdf.min.mjs"));
  pdfjs.GlobalWorkerOptions.workerSrc = vendorUrl(base, "pdf.worker.min.mjs");
  await loadScript(vendorUrl(base, "zxing-reader.js"));
  const zxing = globalThis.ZXingWASM;
  await zxing.prepareZXingModule({
    overrides: { locateFile: (path) => vendorUrl(base, path) },
    fireImmediately: true,
  });
  await loadScript(vendorUrl(base, "aruco-cv.js"));
  await loadScript(vendorUrl(base, "aruco.js"));
  await loadScript(vendorUrl(base, "aruco_4x4_1000.js"));
  const data = await dataPromise;
  const blankUrl = new URL("../downloads/wijzigingsformulier.pdf", base).href;
  // one pdf.js worker for the blank form and every file the customer picks
  const worker = new pdfjs.PDFWorker();
  const blank = await pdfjs.getDocument({ url: blankUrl, worker, isEvalSupported: false }).promise;
  parts = { base, pdfjs, worker, zxing, AR: globalThis.AR, data, blank, blankPages: new Map() };
  return parts;
}

// ------------------------------------------------------------------------------------------
// decoding: every file into page images (grey, with the canvas' ImageData for the readers)
// ------------------------------------------------------------------------------------------

function sniff(bytes) {
  const head = String.fromCharCode(...bytes.subarray(0, 12));
  if (head.startsWith("%PDF")) return "pdf";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (head.startsWith("\x89PNG")) return "png";
  if (head.slice(4, 8) === "ftyp" && /^(hei|hev|mif|msf|avi)/.test(head.slice(8, 12))) return "heic";
  return null;
}

function canvasOf(width, height) {
  const c = document.createElement("canvas");
  c.width = Math.max(1, Math.round(width));
  c.height = Math.max(1, Math.round(height));
  return c;
}

function pageImage(canvas) {
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const imageData = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const d = imageData.data;
  const grey = new Uint8ClampedArray(canvas.width * canvas.height);
  for (let i = 0, j = 0; j < grey.length; i += 4, j++) {
    grey[j] = (d[i] * 299 + d[i + 1] * 587 + d[i + 2] * 114) / 1000;
  }
  return { width: canvas.width, height: canvas.height, imageData, grey, canvas };
}

async function renderPdfPage(page, scale) {
  const viewport = page.getViewport({ scale });
  const canvas = canvasOf(viewport.width, viewport.height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvas, canvasContext: ctx, viewport }).promise;
  return pageImage(canvas);
}

async function decodeFile(file, p) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = sniff(bytes);
  if (kind === "pdf") {
    const doc = await p.pdfjs.getDocument({ data: bytes, worker: p.worker,
      isEvalSupported: false }).promise;
    // all pages start rendering now (pdf.js decodes their images in its worker), so the next
    // page is being decoded while this one is read
    const pages = [];
    for (let n = 1; n <= doc.numPages; n++) {
      pages.push(doc.getPage(n).then(async (page) => {
        const img = await renderPdfPage(page, p.data.ink.dpi / 72);
        // an ID copy's MRZ may need more pixels than the form: the page again at a photo's size
        const { width, height } = page.getViewport({ scale: 1 });
        const larger = MAX_SIDE_PX / Math.max(width, height);
        if (larger > p.data.ink.dpi / 72) img.sharper = () => renderPdfPage(page, larger);
        return img;
      }));
    }
    // the document stays open for sharper pages until the check ends (close)
    const done = Promise.allSettled(pages);
    return { kind, pages, done, close: () => doc.destroy() };
  }
  if (kind === "jpeg" || kind === "png" || kind === "heic") {
    const blob = new Blob([bytes], { type: "image/" + kind });
    let bitmap;
    try {
      bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
    } catch (e) {
      bitmap = null;
    }
    if (!bitmap && kind === "heic") {
      // most browsers cannot open HEIC (iPhone photos): libheif, loaded only now
      try {
        const { heicTo } = await import(vendorUrl(p.base, "heic-to.js"));
        bitmap = await heicTo({ blob, type: "bitmap" });
      } catch (e) {
        bitmap = null;
      }
    }
    if (!bitmap) {
      return { kind, pages: [], problem: "Deze foto kunnen we niet openen. " + CANNOT };
    }
    const f = Math.min(1, MAX_SIDE_PX / Math.max(bitmap.width, bitmap.height));
    const canvas = canvasOf(bitmap.width * f, bitmap.height * f);
    if (f < 1) {
      // scaled down with a filter (a plain canvas scaling aliases the MRZ's small letters)
      try {
        const smaller = await createImageBitmap(bitmap, { resizeWidth: canvas.width,
          resizeHeight: canvas.height, resizeQuality: "high" });
        bitmap.close();
        bitmap = smaller;
      } catch (e) {
        // the canvas scales it below
      }
    }
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return { kind, pages: [pageImage(canvas)] };
  }
  return { kind: null, pages: [], problem: "Dit soort bestand kunnen we niet lezen. " +
    "Stuur een pdf-bestand of een foto (jpg, png of heic)." };
}

// ------------------------------------------------------------------------------------------
// the QR token and the corner marks
// ------------------------------------------------------------------------------------------

// The token's structure as formgen.token.parse checks it (patterns from formulier.json). Its seal
// (the HMAC tag) needs the company's key: only the validator checks it, and the page says so.
// Returns null for a code that is not this form's kind of token, { damaged: true } for one that
// is but whose parts do not fit, else the token.
export function parseToken(text, data) {
  const t = data.token, pat = t.patterns;
  const parts = (text || "").trim().split(":");
  if (!t.parts.includes(parts.length) || parts[0] !== t.prefix) return null;
  const fits = (name, value) => new RegExp(pat[name]).test(value);
  const damaged = { damaged: true };
  const numbers = [parts[2], ...parts[3].split("/")];
  if (!fits("form_id", parts[1]) || numbers.length !== 3 || !numbers.every((n) => fits("number", n))) {
    return damaged;
  }
  const [version, page, count] = numbers.map(Number);
  if (page < 1 || page > count) return damaged;
  const token = { formId: parts[1], version, page, count, prefilled: parts.length > 4,
    sealed: parts.length > 4, holder: null };
  if (parts.length === 4) return token;
  if (!fits("date", parts[6]) || !realDate(parts[6])) return damaged;
  if (!fits("id", parts[4]) || !fits("id", parts[5])) return damaged;
  if (parts.length === 10) {
    const [holder, idNumber] = [parts[7], parts[8]];
    if (!(holder || idNumber) || (holder && !fits("holder", holder)) ||
      (idNumber && !fits("id_number", idNumber))) return damaged;
    // the account holder's name as an MRZ spells it, words joined by '+' (formgen.token)
    token.holder = holder || null;
  }
  if (!fits("tag", parts[parts.length - 1])) return damaged;
  return token;
}

function realDate(yyyymmdd) {
  const [y, m, d] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6)].map(Number);
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // Date.UTC would take the years 0-99 for 1900-1999
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 &&
    date.getUTCDate() === d;
}

async function readQr(img, p, imageData = img.imageData) {
  const results = await p.zxing.readBarcodes(imageData, {
    formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 4,
  });
  let damaged = null;
  for (const r of results) {
    const token = r.isValid ? parseToken(r.text, p.data) : null;
    if (token && !token.damaged) return { token, position: r.position };
    if (token) damaged = { damaged: true };
  }
  return damaged;
}

// The validator's other looks at a page whose marks or code it does not find at first sight
// (formgen.check.align._looks, formgen.check.qr): with more contrast (the grey levels spread
// evenly), and with thin light lines closed (a 3x3 grey opening): low-ink lines, letterpress
// speckle and a copier's white streaks break a mark's black border and the code's modules.
function greyLook(imageData, how) {
  const { width: w, height: h, data } = imageData;
  let grey = new Uint8ClampedArray(w * h);
  for (let i = 0, j = 0; j < grey.length; i += 4, j++) {
    grey[j] = (data[i] * 299 + data[i + 1] * 587 + data[i + 2] * 114) / 1000;
  }
  if (how === "contrast") {
    const hist = new Uint32Array(256);
    for (const v of grey) hist[v]++;
    const cdf = new Float64Array(256);
    let sum = 0;
    for (let v = 0; v < 256; v++) cdf[v] = (sum += hist[v]);
    const low = cdf.find((c) => c > 0), span = Math.max(1, grey.length - low);
    grey = grey.map((v) => Math.round(((cdf[v] - low) / span) * 255));
  } else {
    grey = spread(spread(grey, w, h, Math.min), w, h, Math.max); // opening: dark in, then out
  }
  return greyImageData(grey, w, h);
}

function spread(grey, w, h, pick) {
  // each pixel the min (max) of its 3x3 neighbourhood, rows then columns
  const across = new Uint8ClampedArray(grey.length), out = new Uint8ClampedArray(grey.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * w + x;
      across[o] = pick(grey[o], grey[x > 0 ? o - 1 : o], grey[x < w - 1 ? o + 1 : o]);
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * w + x;
      out[o] = pick(across[o], across[y > 0 ? o - w : o], across[y < h - 1 ? o + w : o]);
    }
  }
  return out;
}

function findMarks(img, p) {
  // on a copy of at most MARKS_SIDE_PX: the marks are large (36 pt), the finder's time grows
  // with the pixels; the centres are scaled back
  const f = Math.min(1, MARKS_SIDE_PX / Math.max(img.width, img.height));
  let source = img.imageData;
  if (f < 1) {
    const small = canvasOf(img.width * f, img.height * f);
    const ctx = small.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(img.canvas, 0, 0, small.width, small.height);
    source = ctx.getImageData(0, 0, small.width, small.height);
  }
  const detector = new p.AR.Detector({ dictionaryName: "ARUCO_4X4_1000" });
  const found = new Map();
  // as the validator: the page as it is, then its other looks until three marks are found
  for (const look of [null, "contrast", "opened"]) {
    if (found.size >= 3) break;
    for (const m of detector.detect(look ? greyLook(source, look) : source)) {
      if (m.id > 3 || found.has(m.id)) continue;
      const cx = m.corners.reduce((s, c) => s + c.x, 0) / 4;
      const cy = m.corners.reduce((s, c) => s + c.y, 0) / 4;
      found.set(m.id, { x: (cx + 0.5) / f - 0.5, y: (cy + 0.5) / f - 0.5,
        corners: m.corners.map((c) => ({ x: (c.x + 0.5) / f - 0.5, y: (c.y + 0.5) / f - 0.5 })) });
    }
  }
  return found;
}

// The code cut out upright where the corner marks place it (their corners: a mark's own
// top-left first, clockwise), smoothed over about half a module, less, more, and thresholded
// (Otsu): as the validator reads a code it cannot read where it lies (a dirty drum's band or a
// fold through it; formgen.check.qr.read_upright). Every page has its marks and code in the
// same places, so the first page's are used before the page is known.
const UPRIGHT_SCALE = 3; // px per pt of the cut-out: ~8 px per module
const UPRIGHT_QUIET = 0.1; // white margin kept around the code, a share of its side
const UPRIGHT_BLURS = [5, 3, 7];

function marksHomography(pageDef, marks, leaveOut = null) {
  // the form's points onto the page by the corners of the marks found (at least two marks);
  // where they do not agree, the best fit of all but one of them (a mark seen warped)
  const src = [], dst = [];
  for (const mark of pageDef.marks) {
    const seen = marks.get(mark.id);
    if (!seen || mark.id === leaveOut) continue;
    src.push({ x: mark.x, y: mark.y }, { x: mark.x + mark.width, y: mark.y },
      { x: mark.x + mark.width, y: mark.y + mark.height }, { x: mark.x, y: mark.y + mark.height });
    dst.push(...seen.corners);
  }
  const H = src.length >= 8 ? fitHomography(src, dst) : null;
  if (H && residualPt(H, src, dst) <= MAX_RESIDUAL_PT) return H;
  if (leaveOut !== null || marks.size < 3) return null;
  for (const id of marks.keys()) {
    const fit = marksHomography(pageDef, marks, id);
    if (fit) return fit;
  }
  return null;
}

async function readQrUpright(img, p, marks) {
  const pageDef = p.data.pages[0];
  const H = marksHomography(pageDef, marks);
  if (!H) return null;
  const q = pageDef.qr, pad = q.width * UPRIGHT_QUIET, k = UPRIGHT_SCALE;
  const x0 = q.x - pad, y0 = q.y - pad, n = Math.round((q.width + 2 * pad) * k);
  const view = sample(img, H, x0, y0, n, n, k).map((v) => (Number.isNaN(v) ? 255 : v));
  for (const size of UPRIGHT_BLURS) {
    const smooth = boxBlur(view, n, n, size);
    const level = otsu(smooth);
    for (const look of [smooth.map((v) => (v > level ? 255 : 0)), smooth]) {
      const found = await readQr(img, p, greyImageData(look, n, n));
      if (found && found.token) {
        const pos = found.position, back = (c) => apply(H, x0 + c.x / k, y0 + c.y / k);
        found.position = { topLeft: back(pos.topLeft), topRight: back(pos.topRight),
          bottomRight: back(pos.bottomRight), bottomLeft: back(pos.bottomLeft) };
        return found;
      }
      if (found) return found; // this form's kind of code, its parts damaged
    }
  }
  return null;
}

function greyImageData(grey, w, h) {
  const out = new ImageData(w, h);
  for (let j = 0, i = 0; j < grey.length; j++, i += 4) {
    out.data[i] = out.data[i + 1] = out.data[i + 2] = grey[j];
    out.data[i + 3] = 255;
  }
  return out;
}

function boxBlur(grey, w, h, size) {
  // the mean over a size x size window (the window kept inside the image), rows then columns
  const r = size >> 1, across = new Float32Array(w * h), out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0, n = 0;
      for (let d = Math.max(0, x - r); d <= Math.min(w - 1, x + r); d++, n++) sum += grey[y * w + d];
      across[y * w + x] = sum / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0, n = 0;
      for (let d = Math.max(0, y - r); d <= Math.min(h - 1, y + r); d++, n++) sum += across[d * w + x];
      out[y * w + x] = sum / n;
    }
  }
  return out;
}

function otsu(grey) {
  // the level that best parts the grey levels into two classes (between-class variance)
  const hist = new Float64Array(256);
  for (const v of grey) hist[Math.max(0, Math.min(255, Math.round(v)))]++;
  let total = 0, sum = 0;
  for (let v = 0; v < 256; v++) { total += hist[v]; sum += v * hist[v]; }
  let best = 0, level = 127, w0 = 0, sum0 = 0;
  for (let v = 0; v < 256; v++) {
    w0 += hist[v];
    sum0 += v * hist[v];
    if (!w0 || w0 === total) continue;
    const m0 = sum0 / w0, m1 = (sum - sum0) / (total - w0);
    const between = w0 * (total - w0) * (m0 - m1) ** 2;
    if (between > best) { best = between; level = v; }
  }
  return level;
}

// ------------------------------------------------------------------------------------------
// the homography from the form's points (pt) onto the page image (px)
// ------------------------------------------------------------------------------------------

function solve(a, b) {
  const n = b.length;
  for (let c = 0; c < n; c++) {
    let best = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[best][c])) best = r;
    [a[c], a[best]] = [a[best], a[c]];
    [b[c], b[best]] = [b[best], b[c]];
    if (Math.abs(a[c][c]) < 1e-12) return null;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  return b.map((v, i) => v / a[i][i]);
}

function fitHomography(src, dst) {
  // normalised direct linear transform with h33 = 1, least squares over all point pairs
  const norm = (pts) => {
    const mx = pts.reduce((s, q) => s + q.x, 0) / pts.length;
    const my = pts.reduce((s, q) => s + q.y, 0) / pts.length;
    const d = pts.reduce((s, q) => s + Math.hypot(q.x - mx, q.y - my), 0) / pts.length || 1;
    return { mx, my, s: Math.SQRT2 / d };
  };
  const ns = norm(src), nd = norm(dst);
  const ata = Array.from({ length: 8 }, () => new Array(8).fill(0));
  const atb = new Array(8).fill(0);
  for (let i = 0; i < src.length; i++) {
    const x = (src[i].x - ns.mx) * ns.s, y = (src[i].y - ns.my) * ns.s;
    const u = (dst[i].x - nd.mx) * nd.s, v = (dst[i].y - nd.my) * nd.s;
    for (const [row, rhs] of [[[x, y, 1, 0, 0, 0, -u * x, -u * y], u],
      [[0, 0, 0, x, y, 1, -v * x, -v * y], v]]) {
      for (let r = 0; r < 8; r++) {
        atb[r] += row[r] * rhs;
        for (let c = 0; c < 8; c++) ata[r][c] += row[r] * row[c];
      }
    }
  }
  const h = solve(ata, atb);
  if (!h) return null;
  // undo the normalisations: H = Td^-1 * Hn * Ts
  const hn = [[h[0], h[1], h[2]], [h[3], h[4], h[5]], [h[6], h[7], 1]];
  const ts = [[ns.s, 0, -ns.s * ns.mx], [0, ns.s, -ns.s * ns.my], [0, 0, 1]];
  const tdi = [[1 / nd.s, 0, nd.mx], [0, 1 / nd.s, nd.my], [0, 0, 1]];
  const mul = (a, b) => a.map((r) => [0, 1, 2].map((c) => r[0] * b[0][c] + r[1] * b[1][c] + r[2] * b[2][c]));
  return mul(tdi, mul(hn, ts));
}

function apply(H, x, y) {
  const w = H[2][0] * x + H[2][1] * y + H[2][2];
  return { x: (H[0][0] * x + H[0][1] * y + H[0][2]) / w, y: (H[1][0] * x + H[1][1] * y + H[1][2]) / w };
}

function alignPage(pageDef, marks, qr) {
  const src = [], dst = [];
  for (const mark of pageDef.marks) {
    const seen = marks.get(mark.id);
    if (seen) {
      src.push({ x: mark.x + mark.width / 2, y: mark.y + mark.height / 2 });
      dst.push(seen);
    }
  }
  const markCount = src.length;
  if (qr && qr.position) {
    const q = pageDef.qr, pos = qr.position;
    src.push({ x: q.x, y: q.y }, { x: q.x + q.width, y: q.y },
      { x: q.x + q.width, y: q.y + q.height }, { x: q.x, y: q.y + q.height });
    dst.push(pos.topLeft, pos.topRight, pos.bottomRight, pos.bottomLeft);
  }
  // the QR code alone is too small to place boxes far from it: at least two marks
  if (markCount < 2 || src.length < 5) return null;
  const H = fitHomography(src, dst);
  if (!H) return null;
  return residualPt(H, src, dst) <= MAX_RESIDUAL_PT ? H : null;
}

function residualPt(H, src, dst) {
  // the worst distance (pt) between a point as H places it and where it was seen
  const pxPerPt = Math.hypot(...["x", "y"].map((k) => apply(H, 1, 0)[k] - apply(H, 0, 0)[k]));
  let worst = 0;
  for (let i = 0; i < src.length; i++) {
    const m = apply(H, src[i].x, src[i].y);
    worst = Math.max(worst, Math.hypot(m.x - dst[i].x, m.y - dst[i].y) / pxPerPt);
  }
  return worst;
}

// ------------------------------------------------------------------------------------------
// the ink in one box, against the blank form
// ------------------------------------------------------------------------------------------

function sampled(img, H, x0, y0, cols, rows, k, at) {
  // the page over a region of the form (x0, y0 in pt; cols x rows px at k px per pt), through
  // the homography H (or a box's view moved to where its border was found: { matrix, offset,
  // place }, placed()): at(o, fu, fv) the value between source pixel o and its right and lower
  // neighbours (fu, fv: the fractions of the way); NaN outside the image
  const out = new Float32Array(cols * rows);
  const { width, height } = img;
  const { matrix, offset, place } = Array.isArray(H) ? { matrix: H } : H;
  const [[a, b, c], [d, e, f], [g, h, i9]] = matrix;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      let x = x0 + (i + 0.5) / k, y = y0 + (j + 0.5) / k;
      if (offset) [x, y] = movedPoint(offset, place, x, y);
      const w = g * x + h * y + i9;
      const u = (a * x + b * y + c) / w - 0.5, v = (d * x + e * y + f) / w - 0.5;
      const iu = Math.floor(u), iv = Math.floor(v);
      out[j * cols + i] = iu < 0 || iv < 0 || iu + 1 >= width || iv + 1 >= height ? NaN
        : at(iv * width + iu, u - iu, v - iv);
    }
  }
  return out;
}

function sample(img, H, x0, y0, cols, rows, k) {
  // the page's grey, bilinear
  const { grey, width } = img;
  return sampled(img, H, x0, y0, cols, rows, k, (o, fu, fv) =>
    (grey[o] * (1 - fu) + grey[o + 1] * fu) * (1 - fv) +
    (grey[o + width] * (1 - fu) + grey[o + width + 1] * fu) * fv);
}

function sampleSpread(img, H, x0, y0, cols, rows, k) {
  // each pixel's colour spread: its largest channel less its smallest (each channel bilinear)
  const d = img.imageData.data, row = 4 * img.width;
  return sampled(img, H, x0, y0, cols, rows, k, (o, fu, fv) => {
    let hi = 0, lo = 255;
    for (let ch = 4 * o; ch < 4 * o + 3; ch++) {
      const s = (d[ch] * (1 - fu) + d[ch + 4] * fu) * (1 - fv) +
        (d[ch + row] * (1 - fu) + d[ch + row + 4] * fu) * fv;
      if (s > hi) hi = s;
      if (s < lo) lo = s;
    }
    return hi - lo;
  });
}

function percentile(values, q) {
  // grey levels are 0..255: a histogram, not a sort
  const hist = new Uint32Array(256);
  let n = 0;
  for (const x of values) {
    if (Number.isNaN(x)) continue;
    hist[Math.max(0, Math.min(255, Math.round(x)))]++;
    n++;
  }
  if (!n) return NaN;
  const want = Math.floor(q * n);
  for (let level = 0, seen = 0; level < 256; level++) {
    seen += hist[level];
    if (seen > want) return level;
  }
  return 255;
}

function speckPixels(mask, cols, rows, minSize, lineLength, kept = null, thin = null) {
  // pixels in 8-connected specks of at least minSize pixels that are not thin straight lines
  // (with kept: their indices are pushed there; with thin: those of them in a long piece no
  // thicker than a line on average, a line seen at a slant, are marked there)
  const { pieces, label } = labelPieces(mask, cols, rows);
  const counted = new Uint8Array(pieces.length + 1);
  let total = 0;
  for (const { id, w, h, area } of pieces) {
    const line = (w >= lineLength && h <= LINE_THICKNESS_PX) ||
      (h >= lineLength && w <= LINE_THICKNESS_PX);
    if (area >= minSize && !line) {
      total += area;
      const long = Math.max(w, h);
      counted[id] = long >= lineLength && area <= LINE_THICKNESS_PX * long ? 2 : 1;
    }
  }
  if (kept) {
    label.forEach((id, p) => {
      if (!counted[id]) return;
      kept.push(p);
      if (thin && counted[id] === 2) thin[p] = 1;
    });
  }
  return total;
}

function printMask(print, cols, rows, ink) {
  // the blank form's print, widened by PRINT_SLACK_PX: small misplacement
  const blankPaper = percentile(print, 0.9);
  const printed = new Uint8Array(cols * rows);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      if (print[j * cols + i] >= blankPaper - ink.ink_contrast) continue;
      for (let dy = -PRINT_SLACK_PX; dy <= PRINT_SLACK_PX; dy++) {
        for (let dx = -PRINT_SLACK_PX; dx <= PRINT_SLACK_PX; dx++) {
          const x = i + dx, y = j + dy;
          if (x >= 0 && y >= 0 && x < cols && y < rows) printed[y * cols + x] = 1;
        }
      }
    }
  }
  return printed;
}

function bandLines(img, H, blank, rect, paper, ink) {
  // the box's columns and rows (as measureBox samples them) with ink (specks, not the blank's
  // print nor lines) on both sides of the box, in strips of paper from BAND_GAP_PT to BAND_PT
  // from it (above and below; left and right), widened by BAND_SLACK_PX: a band running down
  // or across the page through the box
  const k = ink.dpi / 72;
  const cols = Math.round((rect.width + 2 * MARGIN_PT) * k);
  const rows = Math.round((rect.height + 2 * MARGIN_PT) * k);
  const depth = Math.round((BAND_PT - BAND_GAP_PT) * k);
  const blankH = [[k, 0, 0], [0, k, 0], [0, 0, 1]];
  const seen = (x0, y0, w, h, across) => {
    const scan = sample(img, H, x0, y0, w, h, k);
    const printed = printMask(sample(blank, blankH, x0, y0, w, h, k), w, h, ink);
    const mask = new Uint8Array(w * h);
    for (let o = 0; o < mask.length; o++) {
      mask[o] = !printed[o] && scan[o] < paper - ink.ink_contrast ? 1 : 0;
    }
    const kept = [], thin = new Uint8Array(w * h);
    speckPixels(mask, w, h, ink.min_component, ink.line_length, kept, thin);
    const n = across ? h : w, lines = new Uint8Array(n);
    for (const o of kept) {
      if (thin[o]) continue;
      const at = across ? Math.floor(o / w) : o % w;
      for (let x = Math.max(0, at - BAND_SLACK_PX); x <= Math.min(n - 1, at + BAND_SLACK_PX); x++) {
        lines[x] = 1;
      }
    }
    return lines;
  };
  const x0 = rect.x - MARGIN_PT, y0 = rect.y - MARGIN_PT;
  const above = seen(x0, rect.y - BAND_PT, cols, depth, false);
  const below = seen(x0, rect.y + rect.height + BAND_GAP_PT, cols, depth, false);
  const left = seen(rect.x - BAND_PT, y0, depth, rows, true);
  const right = seen(rect.x + rect.width + BAND_GAP_PT, y0, depth, rows, true);
  return { columns: above.map((a, i) => a & below[i]), rows: left.map((a, j) => a & right[j]) };
}

function darkAsPen(field, m, pen) {
  // the validator's darkness rules for pen (formgen.check.decision, rule ink-written): a
  // signature darker than signature_min_contrast, or on a copy that came out light as a whole
  // not much lighter than its print (pen_vs_print); a new value darker than toner clumps. A
  // required value lighter than light_answer_contrast the validator reads before it counts
  // (rules light-seen, light-unread), which this page cannot: it must be as dark as a pen
  // against its print (dark_as_pen), as the copy's own print shows a light copy
  const penLike = m.printContrast > 0 && m.contrast >= pen.pen_vs_print * m.printContrast;
  if (field.kind === "signature") return m.contrast >= pen.signature_min_contrast || penLike;
  if (field.required && m.contrast < pen.light_answer_contrast && !penLike) return false;
  return !field.group || m.contrast >= pen.change_min_contrast;
}

function measureBox(img, H, blank, field, data) {
  const { rect } = field, ink = data.ink;
  const k = ink.dpi / 72;
  const x0 = rect.x - MARGIN_PT, y0 = rect.y - MARGIN_PT;
  const cols = Math.round((rect.width + 2 * MARGIN_PT) * k);
  const rows = Math.round((rect.height + 2 * MARGIN_PT) * k);
  const scan = sample(img, H, x0, y0, cols, rows, k);
  const blankH = [[k, 0, 0], [0, k, 0], [0, 0, 1]];
  const print = sample(blank, blankH, x0, y0, cols, rows, k);
  if (scan.some(Number.isNaN)) return { status: STATUS_UNSURE, reason: "buiten de foto" };
  const paper = percentile(scan, 0.9);
  const inner = Math.round((MARGIN_PT + INSET_PT) * k);
  const printed = printMask(print, cols, rows, ink);
  const strong = new Uint8Array(cols * rows), faint = new Uint8Array(cols * rows);
  for (let j = inner; j < rows - inner; j++) {
    for (let i = inner; i < cols - inner; i++) {
      const o = j * cols + i;
      if (printed[o]) continue;
      strong[o] = scan[o] < paper - ink.ink_contrast ? 1 : 0;
      faint[o] = scan[o] < paper - ink.faint_contrast ? 1 : 0;
    }
  }
  const kept = [], thin = new Uint8Array(cols * rows);
  const inkPx = speckPixels(strong, cols, rows, ink.min_component, ink.line_length, kept, thin);
  // how far the ink keeps from the box's left and right edges (px)
  const edge = Math.round(MARGIN_PT * k);
  let gapLeft = cols, gapRight = cols;
  for (const o of kept) {
    gapLeft = Math.min(gapLeft, o % cols - edge);
    gapRight = Math.min(gapRight, cols - edge - 1 - (o % cols));
  }
  // ink on the paper just around the box (its margin, off the print): noise there, or none
  let ringPx = 0;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const o = j * cols + i;
      if ((j < inner || j >= rows - inner || i < inner || i >= cols - inner) && !printed[o] &&
        scan[o] < paper - ink.ink_contrast) ringPx++;
    }
  }
  // the ink that is writing for sure: not in a line, and in the signature box (paper below it;
  // other boxes have their neighbours' writing above and below) beside any band down the page
  const band = inkPx >= WRITTEN_MIN_PX && field.kind === "signature"
    ? bandLines(img, H, blank, rect, paper, ink)
    : { columns: new Uint8Array(cols), rows: new Uint8Array(rows) };
  const writing = kept.filter((o) => !band.columns[o % cols] && !band.rows[Math.floor(o / cols)] &&
    !thin[o]).length;
  const faintPx = speckPixels(faint, cols, rows, ink.min_component, ink.line_length);
  // how dark the ink is (its median against the paper) and the print near the box (a high
  // percentile of the widened print: the strokes' cores), as the validator measures them
  const contrast = percentile(kept.map((o) => paper - scan[o]), 0.5);
  const onPrint = [];
  for (let o = 0; o < printed.length; o++) if (printed[o]) onPrint.push(paper - scan[o]);
  const printContrast = onPrint.length ? percentile(onPrint, ink.print_percentile / 100) : 0;
  const m = { inkPx, faintPx, contrast, printContrast, ringPx, gapLeft, gapRight };
  m.light = inkPx >= WRITTEN_MIN_PX && !darkAsPen(field, m, data.pen);
  // ink that lies only where ink runs on at both sides of the box (a dirty drum's band down or
  // across the page, which the validator weighs as noise: rules stipple-only, stipple-dense) or in
  // thin lines (the box's own border at a slant, where the copy is warped) is no writing this
  // page can tell from them: not "in orde", and not "ontbreekt" either
  m.doubtful = inkPx >= WRITTEN_MIN_PX && writing < WRITTEN_MIN_PX;
  // an unsigned box under a copy's grain or a letterpress's specks: as the validator's rule
  // faint-noise, next to no ink and fewer faint marks than a signature needs, even before the
  // paper's own faint marks around the box are taken off (stricter than the validator's)
  let paperPx = 0;
  for (let j = inner; j < rows - inner; j++) {
    for (let i = inner; i < cols - inner; i++) paperPx += printed[j * cols + i] ? 0 : 1;
  }
  const least = data.empty.signature_min_fraction * paperPx;
  const faintOnly = field.kind === "signature" && inkPx < data.empty.faint_factor * least &&
    faintPx < least;
  m.status = inkPx >= WRITTEN_MIN_PX ? (m.light || m.doubtful ? STATUS_UNSURE : STATUS_OK)
    : (inkPx === 0 && faintPx <= EMPTY_MAX_FAINT_PX) || faintOnly ? STATUS_MISSING : STATUS_UNSURE;
  return m;
}

async function blankPage(p, number) {
  if (!p.blankPages.has(number)) {
    const page = await p.blank.getPage(number);
    p.blankPages.set(number, await renderPdfPage(page, p.data.ink.dpi / 72));
  }
  return p.blankPages.get(number);
}

// ------------------------------------------------------------------------------------------
// one page, all files, the findings
// ------------------------------------------------------------------------------------------

async function checkPage(img, p) {
  let qr = await timed("qr", () => readQr(img, p));
  const marks = await timed("marks", async () => findMarks(img, p));
  // where the marks say this is a page of the form, the code once more with thin light lines
  // closed (as the validator looks again only where the marks say the code must be)
  if (!qr && marks.size >= 2) {
    qr = await timed("qr", () => readQr(img, p, greyLook(img.imageData, "opened")));
  }
  if (!qr && marks.size >= 2) qr = await timed("qr", () => readQrUpright(img, p, marks));
  // corner marks without a readable QR code: a page of the form; which one, its print says
  if (!qr) return marks.size >= 2 ? await timed("guess", () => guessPage(img, p, marks))
    : { form: false, formLike: false };
  // this form's kind of code, but its parts do not fit: which page it is we cannot say
  if (qr.damaged) return { form: false, formLike: true, damaged: true };
  const { token } = qr;
  const form = p.data.form;
  if (token.formId !== form.id || token.version !== form.version || token.count !== form.page_count) {
    return { form: true, token, other: true };
  }
  const pageDef = p.data.pages.find((d) => d.number === token.page);
  const H = pageDef ? alignPage(pageDef, marks, qr) : null;
  const boxes = H ? await measureBoxes(img, H, p, token.page) : {};
  return { form: true, token, aligned: Boolean(H), boxes };
}

async function measureBoxes(img, H, p, number) {
  const blank = await timed("blank", () => blankPage(p, number));
  return timed("boxes", async () => {
    const boxes = {};
    // the page's views at the check's resolution (its ink, its pen-coloured pixels: null on a
    // grey copy, its marks as light as a pencil's), each made once, where a box needs it
    const pageViews = new Map();
    for (const f of p.data.fields) {
      if (f.page !== number || !(f.required || f.group)) continue;
      // measured where its printed border was found, as the validator measures it; a moved
      // box's noise and pen colour on views of its own, moved with it
      const { at, found } = placed(img, H, blank, f, p.data);
      const views = at === H ? pageViews : new Map();
      const viewOf = (look) => {
        if (!views.has(look)) {
          views.set(look, noiseView(img, at, blank, p.data, number, look, at === H ? undefined : f));
        }
        return views.get(look);
      };
      const m = measureBox(img, at, blank, f, p.data);
      // where the paper just around the box holds ink (a band, bleed, grain: or the writing
      // that runs over the border), the noise around it is measured
      const light = lightAnswer(f, m);
      if ((m.status === STATUS_OK || light) && m.ringPx >= p.data.ink.min_component) {
        beyondNoise(m, viewOf("ink"), f, p.data);
      }
      if (light && !m.doubtful) await readLight(img, at, f, m, p);
      if (m.status === STATUS_UNSURE && m.inkPx >= WRITTEN_MIN_PX && !f.group &&
        (f.required || f.kind === "signature")) {
        const pens = viewOf("pen");
        if (pens && penWritten(pens, f, p.data)) { m.status = STATUS_OK; m.pen = true; }
      }
      // a signature box whose ink is a band's or the noise's, its border found (the box is
      // where it is measured), through which no smooth pen line pen_curve.min px long runs:
      // "ontbreekt", as the validator's rules stipple-dense, stipple-only and noise-only
      // (whose guard is that line: pen_curve_seen) find it empty; with such a line, or light
      // to the box's own paper level, measured as the validator measures it (signedBeyondBands)
      if (f.kind === "signature" && m.status === STATUS_UNSURE && (m.doubtful || m.light) &&
        found) {
        m.penCurve = penCurve(viewOf("ink"), f, p.data);
        if (m.penCurve < p.data.pen_curve.min) {
          if (!m.light) m.status = STATUS_MISSING;
        } else if (signedBeyondBands(m, viewOf("ink"), f, p.data)) m.status = STATUS_OK;
      }
      if (f.kind === "signature" && m.status === STATUS_UNSURE &&
        signatureInkNone(m, viewOf("ink"), viewOf("faint"), f, p.data)) m.status = STATUS_MISSING;
      const empty = m.status === STATUS_UNSURE && f.kind !== "signature" &&
        faintNoiseOnly(viewOf("ink"), viewOf("faint"), f, p.data);
      if (empty && (empty === INK_NONE || f.group || !bandShaded(viewOf("ink"), f, p.data))) {
        m.status = STATUS_MISSING;
      }
      boxes[f.id] = m;
    }
    return boxes;
  });
}

// Where the field's box lies on the page (controle-place.js): at, H where the placement put it
// right, else the page's view moved to where its printed border was found (and straightened
// where the border was bent); found, whether its border was found at all
function placed(img, H, blank, field, data) {
  const k = data.ink.dpi / 72;
  if (!blank.thin) blank.thin = blank.grey.map((v) => (v < data.ink.print_level ? 1 : 0));
  const region = (x0, y0, w, h) => Uint8Array.from(sample(img, H, x0 / k, y0 / k, w, h, k),
    (v) => (Number.isNaN(v) ? 255 : Math.round(v)));
  const offset = findBox(region, blank.thin, blank, field.rect, data.place);
  const found = borderFound(offset, data.place);
  return { found, at: found && !inPlace(offset, data.place)
    ? { matrix: H, offset, place: data.place } : H };
}

// A text box left "niet zeker" that holds next to no ink against the paper's own brightness
// (the noise view's marks: faint_factor of field_min_fraction of the box; a shade or a crease's
// shadow is paper there) and whose faint marks the faint marks of the paper around explain, to
// fewer than faint_letter_min_pixels: "ontbreekt", as the validator's rules faint-noise and
// ink-none make such a box missing (its rule faint-letter leaves a light word to a person).
// INK_NONE where its faint marks, too, are fewer than field_min_fraction (rule ink-none), else
// INK_NOISE (rule faint-noise); false where it holds more
const INK_NONE = "none", INK_NOISE = "noise";

function faintNoiseOnly(inks, faints, field, data) {
  const ink = { status: STATUS_OK }, faint = { status: STATUS_OK };
  beyondNoise(ink, inks, field, data);
  beyondNoise(faint, faints, field, data);
  const least = data.written.field_min_fraction;
  if (!(ink.noise && faint.noise) || ink.noise.fraction >= data.empty.faint_factor * least ||
    faint.noise.writingPx >= data.empty.faint_letter_min_pixels) return false;
  return faint.noise.fraction < least ? INK_NONE : INK_NOISE;
}

// A text box in a band so dense that the paper estimate takes it for paper: the median of the
// paper inside the box (empty.shade_inset px in) darker by more than empty.paper_shade_max than
// the bright paper around (its 95th percentile, noise.context px around): writing there is no
// ink to any measure, so it stays "niet zeker", as the validator's rule band-shaded keeps such
// a box from its empty-box rules (formgen.check.decision.band_shaded, ink.paper_shade)
function bandShaded(view, field, data) {
  const b = pixelBox(field.rect, view.k), c = data.noise.context, inset = data.empty.shade_inset;
  const around = [], inside = [];
  for (let y = Math.max(0, b.y0 - c - view.oy); y < Math.min(view.h, b.y1 + c - view.oy); y++) {
    for (let x = Math.max(0, b.x0 - c - view.ox); x < Math.min(view.w, b.x1 + c - view.ox); x++) {
      const v = view.paper[y * view.w + x];
      around.push(v);
      const px = x + view.ox, py = y + view.oy;
      if (px >= b.x0 + inset && px < b.x1 - inset && py >= b.y0 + inset && py < b.y1 - inset) {
        inside.push(v);
      }
    }
  }
  return inside.length > 0 &&
    percentile(around, 0.95) - percentile(inside, 0.5) > data.empty.paper_shade_max;
}

// A required box or the signature left "niet zeker" whose pen-coloured ink alone (a ballpoint's
// blue; print, toner and a copier's grain are grey) is writing beyond the pen-coloured noise
// of the paper around it: "in orde", as the validator's rule pen-colour
// (formgen.check.decision.pen_colour_written) makes such a box ok
function penWritten(view, field, data) {
  const colour = { status: STATUS_OK };
  beyondNoise(colour, view, field, data);
  return colour.status === STATUS_OK && Boolean(colour.noise) && colour.noise.pixels >= WRITTEN_MIN_PX;
}

// A required value in ink lighter than the validator's light_answer_contrast, written beyond
// the noise around it: the validator reads it before it counts it written (rules light-seen,
// light-unread), and so does the page, with the validator's recogniser (controle-ocr.js): "in
// orde" where value_min_characters letters or digits are read and the ink does not run from
// edge to edge of the box (a copier's band across it: across_min_reach, as band_read)
function lightAnswer(field, m) {
  return m.light && field.required && field.kind !== "signature" && !field.group;
}

const LIGHT_READ_SCALE = 2; // the box read at twice the check's resolution

async function readLight(img, H, field, m, p) {
  const { rect } = field, read = p.data.read, kr = (p.data.ink.dpi / 72) * LIGHT_READ_SCALE;
  const x0 = rect.x + INSET_PT, y0 = rect.y + INSET_PT;
  if (-Math.max(m.gapLeft, m.gapRight) >= read.across_min_reach) return;
  const line = { width: Math.round((rect.width - 2 * INSET_PT) * kr),
    height: Math.round((rect.height - 2 * INSET_PT) * kr) };
  line.grey = sample(img, H, x0, y0, line.width, line.height, kr)
    .map((v) => (Number.isNaN(v) ? 255 : v));
  try {
    const [text] = await timed("ocr", () => readLinesOnce([line], p));
    m.read = text.text;
    const letters = (text.text.match(/[0-9A-Za-z\u00C0-\u024F]/g) || []).length;
    if (letters >= read.value_min_characters) m.status = STATUS_OK;
  } catch (e) {
    // the recogniser does not run in this browser: the box stays "niet zeker"
  }
}

// A signature box with a pen line through it (as above; or light to the box's own paper
// level, as under a shadow across it) whose ink, without the drum's bands and the clumps
// hanging off them (withoutLines), is written beyond the noise of the paper around it by
// every condition of the validator's rule ink-written (beyond the noise, as wide as writing,
// spanning the box, as dark as a pen against the paper around each pixel), and which is not
// amid grain (decision.amid_grain: less than written.noisy_share of its ink is that noise, or
// its pen strokes alone, measured the same way, are strokes.min_pixels beyond it): "in orde",
// as formgen check finds it written
function signedBeyondBands(m, view, field, data) {
  m.withoutBands = { status: STATUS_OK };
  beyondNoise(m.withoutBands, withoutLines(view, field, data), field, data);
  const n = m.withoutBands.noise, r = data.written;
  if (m.withoutBands.status !== STATUS_OK || !n || n.widest < r.writing_min_width ||
    n.span < r.signature_min_span ||
    !darkAsPen(field, { contrast: n.contrast, printContrast: m.printContrast }, data.pen)) {
    return false;
  }
  if (n.fraction - n.beyond < r.noisy_share * n.fraction) return true;
  m.strokes = { status: STATUS_OK };
  beyondNoise(m.strokes, withoutLines(view, field, data, strokeMask(view, field, data)), field, data);
  return Boolean(m.strokes.noise) && m.strokes.noise.writingPx >= data.strokes.min_pixels;
}

// A signature box left "niet zeker" that holds next to no ink against the paper's own
// brightness (the noise view's marks: under faint_factor of the signature's minimum) and fewer
// faint marks than that minimum (the validator's rule ink-none), whose faint marks the paper
// around explains to fewer than faint_letter_min_pixels (not its rule faint-letter) and whose
// pen strokes (controle-strokes.js) stand fewer than strokes.min_pixels beyond the noise (not
// its rule strokes-in-empty): "ontbreekt", as formgen check finds it empty. On the page's
// view, lines and bands left in: they only add ink
function signatureInkNone(m, inks, faints, field, data) {
  const ink = { status: STATUS_OK }, faint = { status: STATUS_OK };
  beyondNoise(ink, inks, field, data);
  beyondNoise(faint, faints, field, data);
  const least = data.empty.signature_min_fraction;
  if (!(ink.noise && faint.noise) || ink.noise.fraction >= data.empty.faint_factor * least ||
    faint.noise.fraction >= least || faint.noise.writingPx >= data.empty.faint_letter_min_pixels) {
    return false;
  }
  m.strokes = { status: STATUS_OK };
  beyondNoise(m.strokes, withoutLines(inks, field, data, strokeMask(inks, field, data)), field, data);
  return !m.strokes.noise || m.strokes.noise.writingPx < data.strokes.min_pixels;
}

// The view's pixels along a pen stroke (controle-strokes.js) in the box and the paper around it
// as far as the validator measures its noise (noise.context px left and right, noise.reach
// above and below)
function strokeMask(view, field, data) {
  const { w, h, seen, paper, grey } = view, inset = data.lines.inset;
  const b = pixelBox(field.rect, view.k);
  const rx0 = Math.max(0, b.x0 + inset - data.noise.context - view.ox);
  const ry0 = Math.max(0, b.y0 + inset - data.noise.reach - view.oy);
  const rw = Math.min(w, b.x1 - inset + data.noise.context - view.ox) - rx0;
  const rh = Math.min(h, b.y1 - inset + data.noise.reach - view.oy) - ry0;
  const strong = new Uint8Array(w * h);
  if (rw <= 0 || rh <= 0) return strong;
  const dark = new Float64Array(rw * rh);
  for (let y = 0; y < rh; y++) {
    for (let x = 0; x < rw; x++) {
      const o = (y + ry0) * w + x + rx0;
      dark[y * rw + x] = seen[o] ? Math.min(255, Math.max(0, paper[o] - grey[o])) : 0;
    }
  }
  const strength = strokeStrength(dark, rw, rh, data.strokes);
  for (let y = 0; y < rh; y++) {
    for (let x = 0; x < rw; x++) {
      if (strength[y * rw + x] > data.strokes.contrast) strong[(y + ry0) * w + x + rx0] = 1;
    }
  }
  return strong;
}

// A box's ink against the noise of the paper around it, as the validator weighs it
// (formgen.check.ink.measure, rule ink-written): bands of a dirty drum, bleed and grain do not
// stop at a box's border. The page at the check's resolution, its paper by a grey closing, its
// marks (ink darker than the paper, off the blank's print and not in straight thin lines); per
// column and per row of the box, the density of marks on the blank paper around it (noise.context
// px left and right, noise.reach above and below, the page's boxes left out), pooled over
// noise.window either side; only the ink beyond noise.margin times it is writing. A box whose
// writing is less than the validator's rule asks (the signature's: signature_min_fraction) is
// "niet zeker" (it was "in orde" by its ink). In a text box, clumps of toner are no writing
// (benchmarks/tuning-scan-check.md, session 22).
const CLUMP_PX = 7; // a body this wide (a square): a clump of toner; a pen line is thinner
const CLUMP_REACH_PX = 20; // bits hanging off a clump shorter than this are the clump's

function pixelBox(rect, k) {
  // rect (pt) in pixels at the check's resolution, as formgen.check.ink.pixel_box
  return { x0: Math.round(rect.x * k), y0: Math.round(rect.y * k),
    x1: Math.round((rect.x + rect.width) * k), y1: Math.round((rect.y + rect.height) * k) };
}

function noiseView(img, H, blank, data, number, look = "ink", only = null) {
  // the part of the page the measured boxes (or only the one) and the paper around them cover;
  // its marks by look: "ink", darker than the paper by ink_contrast; "faint", by faint_contrast;
  // "pen", the pen-coloured pixels only (formgen.check.ink.pen_coloured: a colour spread
  // pen_chroma beyond the paper's, darker than the paper by faint_contrast), null on a grey copy
  const ink = data.ink, noise = data.noise, k = ink.dpi / 72;
  const fields = data.fields.filter((f) => f.page === number);
  const wanted = (only ? [only] : fields.filter((f) => f.required || f.group))
    .map((f) => pixelBox(f.rect, k));
  const ox = Math.max(0, Math.min(...wanted.map((b) => b.x0)) - noise.context);
  const oy = Math.max(0, Math.min(...wanted.map((b) => b.y0)) - noise.reach);
  const w = Math.min(blank.width, Math.max(...wanted.map((b) => b.x1)) + noise.context) - ox;
  const h = Math.min(blank.height, Math.max(...wanted.map((b) => b.y1)) + noise.reach) - oy;
  const scan = sample(img, H, ox / k, oy / k, w, h, k);
  const grey = new Uint8Array(w * h), seen = new Uint8Array(w * h);
  for (let o = 0; o < grey.length; o++) {
    if (Number.isNaN(scan[o])) grey[o] = 255;
    else { grey[o] = Math.round(scan[o]); seen[o] = 1; }
  }
  const paper = morph(morph(grey, w, h, noise.paper_window, true), w, h, noise.paper_window, false);
  const print = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) print[y * w + x] = blank.grey[(y + oy) * blank.width + x + ox] < ink.print_level ? 1 : 0;
  }
  const printed = morph(print, w, h, 2 * ink.print_widen + 1, true); // the validator's print
  const marks = new Uint8Array(w * h);
  if (look === "pen") {
    const spread = sampleSpread(img, H, ox / k, oy / k, w, h, k);
    const paperSpread = percentile(spread.filter((v, o) => seen[o]), 0.5);
    let coloured = 0;
    for (let o = 0; o < marks.length; o++) {
      marks[o] = seen[o] && !printed[o] && spread[o] >= paperSpread + ink.pen_chroma &&
        paper[o] - grey[o] > ink.faint_contrast ? 1 : 0;
      coloured += marks[o];
    }
    if (!coloured) return null;
  } else {
    const level = look === "faint" ? ink.faint_contrast : ink.ink_contrast;
    for (let o = 0; o < marks.length; o++) {
      marks[o] = seen[o] && !printed[o] && paper[o] - grey[o] > level ? 1 : 0;
    }
  }
  return sorted({ ox, oy, w, h, k, paper, grey, printed, seen, fields }, marks, data);
}

function sorted(view, marks, data, lines = null) {
  // the view with its marks sorted (specks, lines, the rest) and its blank paper: straight thin
  // lines (a fold, a low-ink line, a border a few px off) and the lines given are neither
  const { ox, oy, w, h, k, seen, printed } = view, ink = data.ink;
  const { pieces, label } = labelPieces(marks, w, h);
  const kind = new Uint8Array(pieces.length + 1); // 1: a speck, 2: a line
  for (const { id, w: pw, h: ph, area } of pieces) {
    if ((pw >= ink.line_length && ph <= LINE_THICKNESS_PX) ||
      (ph >= ink.line_length && pw <= LINE_THICKNESS_PX)) kind[id] = 2;
    else if (area < ink.min_component) kind[id] = 1;
  }
  const blankPaper = new Uint8Array(w * h);
  for (let o = 0; o < marks.length; o++) {
    if (kind[label[o]] === 2) marks[o] = 0;
    blankPaper[o] = seen[o] && !printed[o] && kind[label[o]] !== 2 && !(lines && lines[o]) ? 1 : 0;
  }
  for (const f of view.fields) { // writing in the other boxes is no noise
    const b = pixelBox(f.rect, k);
    for (let y = Math.max(0, b.y0 - oy); y < Math.min(h, b.y1 - oy); y++) {
      blankPaper.fill(0, y * w + Math.max(0, b.x0 - ox), y * w + Math.max(0, Math.min(w, b.x1 - ox)));
    }
  }
  return { ...view, marks, label, kind, blankPaper };
}

// The view without the straight lines and a drum's bands around the box (controle-lines.js), as
// the validator measures a box's ink (formgen.check.ink.measure: _lines, in the rows within
// noise.context of the box, in the box as on the paper around it)
function withoutLines(view, field, data, strong = null) {
  const { w, h, seen, paper, grey } = view, c = data.noise.context, inset = data.lines.inset;
  const b = pixelBox(field.rect, view.k);
  const x0 = b.x0 + inset - view.ox, y0 = b.y0 + inset - view.oy;
  const x1 = b.x1 - inset - view.ox, y1 = b.y1 - inset - view.oy;
  const wx0 = Math.max(0, x0 - c), wy0 = Math.max(0, y0 - c);
  const ww = Math.min(w, x1 + c) - wx0, wh = Math.min(h, y1 + c) - wy0;
  if (ww <= 0 || wh <= 0) return view;
  const dark = new Uint8Array(ww * wh);
  for (let y = 0; y < wh; y++) {
    for (let x = 0; x < ww; x++) {
      const o = (y + wy0) * w + x + wx0;
      dark[y * ww + x] = seen[o] && paper[o] - grey[o] > data.ink.ink_contrast &&
        (!strong || strong[o]) ? 1 : 0;
    }
  }
  const found = linesOf(dark, ww, wh, { x0: x0 - wx0, y0: y0 - wy0, x1: x1 - wx0, y1: y1 - wy0 },
    data.lines);
  const lines = new Uint8Array(w * h);
  const marks = strong ? view.marks.map((v, o) => v & strong[o]) : view.marks.slice();
  for (let y = 0; y < wh; y++) {
    for (let x = 0; x < ww; x++) {
      if (!found[y * ww + x]) continue;
      const o = (y + wy0) * w + x + wx0;
      lines[o] = 1;
      marks[o] = 0;
    }
  }
  return sorted(view, marks, data, lines);
}

// The longest smooth pen line through the signature box (controle-pen.js), on the page's view:
// px at the check's resolution, as the validator measures it (signature.longest_pen_curve)
function penCurve(view, field, data) {
  const c = data.pen_curve, b = pixelBox(field.rect, view.k);
  const rx0 = Math.max(0, b.x0 + c.inset - c.margin - view.ox);
  const ry0 = Math.max(0, b.y0 + c.inset - c.margin - view.oy);
  const rx1 = Math.min(view.w, b.x1 - c.inset + c.margin - view.ox);
  const ry1 = Math.min(view.h, b.y1 - c.inset + c.margin - view.oy);
  const w = rx1 - rx0, h = ry1 - ry0;
  if (w <= 0 || h <= 0) return 0;
  const dark = new Float64Array(w * h), printed = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y + ry0) * view.w + x + rx0;
      dark[y * w + x] = Math.max(0, view.paper[o] - view.grey[o]);
      printed[y * w + x] = view.printed[o];
    }
  }
  const box = { x0: b.x0 + c.inset - view.ox - rx0, y0: b.y0 + c.inset - view.oy - ry0,
    x1: b.x1 - c.inset - view.ox - rx0, y1: b.y1 - c.inset - view.oy - ry0 };
  return longestPenCurve(dark, w, h, box, printed, c);
}

function clumps(view, x0, y0, x1, y1) {
  // a clump of toner in the box (x0..x1, y0..y1 in the view): where a square of CLUMP_PX fits
  // in the ink (thicker than a pen line), and the bits that hang off it, shorter than
  // CLUMP_REACH_PX. No writing: a band that comes and goes down the page may hold more of it in
  // the box's rows than in the rows around
  const pad = CLUMP_REACH_PX, { marks, kind, label } = view;
  const bx0 = Math.max(0, x0 - pad), by0 = Math.max(0, y0 - pad);
  const w = Math.min(view.w, x1 + pad) - bx0, h = Math.min(view.h, y1 + pad) - by0;
  const ink = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y + by0) * view.w + x + bx0;
      ink[y * w + x] = marks[o] && kind[label[o]] !== 2 ? 1 : 0;
    }
  }
  const body = morph(morph(ink, w, h, CLUMP_PX, false), w, h, CLUMP_PX, true);
  const rest = ink.map((v, o) => (v && !body[o] ? 1 : 0));
  const near = morph(body, w, h, 3, true);
  const bits = labelPieces(rest, w, h);
  const hangs = new Uint8Array(bits.pieces.length + 1);
  for (let o = 0; o < rest.length; o++) if (rest[o] && near[o]) hangs[bits.label[o]] = 1;
  for (const { id, w: pw, h: ph } of bits.pieces) if (Math.max(pw, ph) >= CLUMP_REACH_PX) hangs[id] = 0;
  return (x, y) => {
    const o = (y - by0) * w + x - bx0;
    return body[o] === 1 || hangs[bits.label[o]] === 1;
  };
}

function pooled(values, size) {
  // the sum over size values centred on each (numpy's convolve "same" with ones)
  const r = size >> 1, out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < Math.min(r, values.length); i++) sum += values[i];
  for (let i = 0; i < values.length; i++) {
    if (i + r < values.length) sum += values[i + r];
    if (i - r - 1 >= 0) sum -= values[i - r - 1];
    out[i] = sum;
  }
  return out;
}

function beyondNoise(m, view, field, data) {
  const { w, h, k, marks, label, kind, blankPaper } = view, noise = data.noise;
  const inset = Math.round(INSET_PT * k), b = pixelBox(field.rect, k);
  const signature = field.kind === "signature";
  const x0 = b.x0 - view.ox + inset, y0 = b.y0 - view.oy + inset;
  const x1 = b.x1 - view.ox - inset, y1 = b.y1 - view.oy - inset;
  if (x1 <= x0 || y1 <= y0 || x0 < 0 || y0 < 0 || x1 > w || y1 > h) return;
  const clump = signature ? () => false : clumps(view, x0, y0, x1, y1);
  const cx0 = Math.max(0, x0 - noise.context), cx1 = Math.min(w, x1 + noise.context);
  const cy0 = Math.max(0, y0 - noise.reach), cy1 = Math.min(h, y1 + noise.reach);
  const cw = cx1 - cx0, ch = cy1 - cy0;
  const colHits = new Float64Array(cw), colSeen = new Float64Array(cw);
  const rowHits = new Float64Array(ch), rowSeen = new Float64Array(ch);
  // per stretch of rows as high as the box, above and below it: where a band comes and goes
  const bh = y1 - y0, stretches = Math.ceil(ch / bh);
  const stretchHits = Array.from({ length: stretches }, () => new Float64Array(cw));
  const stretchSeen = Array.from({ length: stretches }, () => new Float64Array(cw));
  const bw = x1 - x0, inside = new Float64Array(bw), darkness = [];
  let pixels = 0;
  for (let y = cy0; y < cy1; y++) {
    const inRows = y >= y0 && y < y1;
    const nearRows = y >= y0 - inset - 2 && y < y1 + inset + 2;
    for (let x = cx0; x < cx1; x++) {
      const o = y * w + x;
      if (inRows && x >= x0 && x < x1) {
        if (marks[o] && !kind[label[o]] && !clump(x, y)) {
          inside[x - x0]++;
          pixels++;
          darkness.push(view.paper[o] - view.grey[o]);
        }
        continue;
      }
      // the box itself and its border are not the paper around it
      if (!blankPaper[o] || (nearRows && x >= x0 - inset - 2 && x < x1 + inset + 2)) continue;
      colSeen[x - cx0]++;
      rowSeen[y - cy0]++;
      if (marks[o]) { colHits[x - cx0]++; rowHits[y - cy0]++; }
      const at = Math.floor((y - cy0) / bh);
      stretchSeen[at][x - cx0]++;
      if (marks[o]) stretchHits[at][x - cx0]++;
    }
  }
  const size = (x1 - x0) * (y1 - y0), pool = 2 * noise.window + 1;
  const density = (hits, seenPx) => {
    const ph = pooled(hits, pool), ps = pooled(seenPx, pool);
    return ph.map((v, i) => (ps[i] >= noise.min_paper ? v / Math.max(ps[i], 1) : 0));
  };
  const colD = density(colHits, colSeen), rowD = density(rowHits, rowSeen);
  const rule = data.written;
  const least = signature ? data.empty.signature_min_fraction : rule.field_min_fraction;
  // a band down the page that comes and goes may be denser in the box than on average around
  // it: in a text box, the noise of a column is that of the densest stretch of paper above or
  // below as high as the box, where it is denser than the average
  const peak = new Float64Array(cw);
  if (!signature) {
    for (let i = 0; i < stretches; i++) {
      density(stretchHits[i], stretchSeen[i]).forEach((v, x) => { if (v > peak[x]) peak[x] = v; });
    }
  }
  const expected = new Float64Array(bw);
  for (let x = x0; x < x1; x++) {
    const c = Math.max(colD[x - cx0], peak[x - cx0]);
    let sum = 0;
    for (let y = y0; y < y1; y++) sum += Math.max(c, rowD[y - cy0]);
    expected[x - x0] = sum;
  }
  const pin = pooled(inside, pool), pex = pooled(expected, pool);
  let beyond = 0, first = -1, last = -1;
  for (let i = 0; i < pin.length; i++) {
    const more = Math.max(0, pin[i] - noise.margin * pex[i]) / pool;
    beyond += more;
    if (more > 0) { if (first < 0) first = i; last = i; }
  }
  const fraction = pixels / size, writing = Math.min(beyond / size, fraction);
  const writingPx = fraction ? (pixels * writing) / fraction : 0;
  // the columns beyond the noise over the box's width, and the widest stretch of columns with
  // ink (gaps of up to word_gap px closed), as the validator's span and widest
  const span = first < 0 ? 0 : (last - first + 1) / bw;
  let widest = 0, start = -1, end = -1;
  for (let i = 0; i < bw; i++) {
    if (inside[i] < 2) continue;
    if (start < 0 || i - end > data.ink.word_gap) start = i;
    end = i;
    widest = Math.max(widest, end - start + 1);
  }
  // how dark the ink is against the paper around each pixel (the validator's contrast)
  const contrast = darkness.length ? percentile(darkness, 0.5) : 0;
  m.noise = { pixels, fraction, beyond: writing, writingPx, span, widest, contrast };
  if (writing < least || writing < rule.writing_min_share * fraction ||
    writingPx < rule.field_min_pixels) {
    m.status = STATUS_UNSURE;
    m.doubtful = true;
  }
}

// A page with the form's corner marks whose code no look reads: which page of the form it is,
// by its print, as the validator guesses it (formgen.check.form_pages._guess_number): per blank
// page, the share of its print (widened a little) that is darker than the paper around on the
// page, less the share of its blank paper that is. Only a clear best is taken: at least
// GUESS_RATIO times every other page's; else "which page, we cannot say"
// (benchmarks/tuning-scan-check.md, session 21).
const GUESS_DPI = 72;
const GUESS_CONTRAST = 30; // grey levels below the paper around: print (the validator's)
const GUESS_RATIO = 1.5;

async function guessPage(img, p, marks) {
  const unknown = { form: false, formLike: true };
  const H = marksHomography(p.data.pages[0], marks);
  if (!H) return unknown;
  const first = p.data.pages[0], k = GUESS_DPI / 72, kb = p.data.ink.dpi / 72;
  const [w, h] = [Math.round(first.width * k), Math.round(first.height * k)];
  const scan = sample(img, H, 0, 0, w, h, k).map((v) => (Number.isNaN(v) ? 255 : v));
  // the paper: the lightest grey within 7 px (about 7 pt): shadows and uneven light are no ink
  let paper = Uint8ClampedArray.from(scan);
  for (let i = 0; i < 3; i++) paper = spread(paper, w, h, Math.max);
  const dark = scan.map((v, o) => (paper[o] - v > GUESS_CONTRAST ? 1 : 0));
  const scores = [];
  for (const def of p.data.pages) {
    const blank = await blankPage(p, def.number);
    const print = sample(blank, [[kb, 0, 0], [0, kb, 0], [0, 0, 1]], 0, 0, w, h, k);
    const printed = spread(print.map((v) => (v < 200 ? 0 : 255)), w, h, Math.min);
    let on = 0, onDark = 0, off = 0, offDark = 0;
    for (let o = 0; o < dark.length; o++) {
      if (printed[o] === 0) { on++; onDark += dark[o]; } else { off++; offDark += dark[o]; }
    }
    scores.push({ number: def.number, score: onDark / Math.max(1, on) - offDark / Math.max(1, off) });
  }
  scores.sort((a, b) => b.score - a.score);
  if (!(scores[0].score > 0) ||
    (scores.length > 1 && scores[0].score < GUESS_RATIO * Math.max(0, scores[1].score))) {
    return unknown;
  }
  const form = p.data.form, number = scores[0].number;
  const token = { formId: form.id, version: form.version, page: number, count: form.page_count,
    prefilled: false, sealed: false, holder: null, guessed: true };
  // measured as any page: a copy damaged where the code is (a drum's bands, a fold) has its
  // boxes weighed against the noise around them and found where their borders lie
  const boxes = await measureBoxes(img, H, p, number);
  return { form: true, token, aligned: true, boxes, guessScores: scores };
}

function pageLabel(token) {
  return `pagina ${token.page} van ${token.count}`;
}

function better(a, b) {
  const rank = { [STATUS_OK]: 2, [STATUS_UNSURE]: 1, [STATUS_MISSING]: 0 };
  return !a || rank[b.status] > rank[a.status] ? b : a;
}

export async function checkFiles(files, base) {
  for (const k of Object.keys(timings)) delete timings[k];
  const p = await timed("load", () => loadParts(base));
  const data = p.data;
  const started = performance.now();
  const perFile = [];
  const idCandidates = []; // pages without the form's QR code and marks: an ID copy?
  let holder = null;
  const formPages = new Map(); // page number -> best page finding
  let otherPages = 0;
  let unreadPages = 0;
  let otherForm = null;
  const decodes = [];
  const decoding = (i) => {
    if (i < files.length && !decodes[i]) {
      decodes[i] = decodeFile(files[i], p).catch((error) => ({ error, pages: [] }));
    }
    return decodes[i];
  };
  let id = null;
  try {
    for (const [index, file] of files.entries()) {
      const entry = { name: file.name, pages: [], problem: null };
      perFile.push(entry);
      // the next file is decoded while this one is read
      const decoded = await timed("decode", () => decoding(index));
      decoding(index + 1);
      if (decoded.error) {
        entry.problem = "Dit bestand kunnen we niet openen. " + CANNOT;
        continue;
      }
      entry.problem = decoded.problem || null;
      for (const pending of decoded.pages) {
        let img;
        try {
          img = await timed("decode", () => pending);
        } catch (e) {
          entry.problem = "Een pagina van dit bestand kunnen we niet openen. " + CANNOT;
          continue;
        }
        const found = await checkPage(img, p);
        entry.pages.push(found);
        if (found.token && found.token.holder) holder = found.token.holder;
        if (found.formLike) unreadPages++;
        else if (!found.form) {
          otherPages++;
          idCandidates.push({ img, entry });
          if (idCandidates.length === 1) warmRecogniser(p); // loads while the other pages are read
        }
        else if (found.other) otherForm = found.token;
        else {
          const prev = formPages.get(found.token.page);
          if (!prev || (!prev.aligned && found.aligned)) formPages.set(found.token.page, found);
          else if (prev.aligned && found.aligned) {
            for (const [id, m] of Object.entries(found.boxes)) prev.boxes[id] = better(prev.boxes[id], m);
          }
        }
      }
      if (decoded.done) await decoded.done;
    }
    id = idCandidates.length ? await timed("mrz", () => readIdDocument(idCandidates, p)) : null;
  } finally {
    // every document is closed, also when a page's check throws
    for (const d of decodes) d && d.then((x) => x.close && x.close()).catch(() => {});
  }
  const items = [];
  const count = data.form.page_count;
  const missingPages = [];
  for (let n = 1; n <= count; n++) if (!formPages.has(n)) missingPages.push(n);
  items.push(missingPages.length && unreadPages
    ? { id: "pages", status: STATUS_UNSURE, text: "Op een pagina van het formulier kunnen we " +
      "de QR-code niet lezen. Welke pagina dat is, kunnen we hier niet controleren. Maak een " +
      "scherpere scan of foto, of kijk zelf of alle pagina's erbij zitten." }
    : missingPages.length
    ? { id: "pages", status: STATUS_MISSING, text: missingPages.length === count
      ? "Wij vinden geen pagina van het wijzigingsformulier. Staat het formulier op een " +
        "foto? Maak de foto dan van dichterbij, met de hele pagina in beeld."
      : `Deze pagina's van het formulier ontbreken: ${missingPages.map((n) => pageLabel({ page: n, count })).join(", ")}.` }
    : { id: "pages", status: STATUS_OK, text: `Alle ${count} pagina's van het formulier zijn er.` });
  // the seal (the token's HMAC tag) needs the company's key: klantenservice checks it
  const sealed = [...formPages.values()].some((pg) => pg.token.sealed);
  if (sealed) items.push({ id: "seal", status: STATUS_UNSURE, text: SEAL_TEXT });
  if (otherForm) {
    items.push({ id: "version", status: STATUS_MISSING,
      text: `Een pagina hoort bij een ander formulier of een oude versie (${otherForm.formId}, ` +
        `versie ${otherForm.version}). Gebruik het formulier van deze pagina (versie ${data.form.version}).` });
  }
  const measured = (f) => {
    const page = formPages.get(f.page);
    return page && page.aligned ? page.boxes[f.id] : null;
  };
  const boxItem = (f) => {
    if (!formPages.has(f.page)) return null; // the missing page is already named
    const m = measured(f);
    return m ? m.status : STATUS_UNSURE;
  };
  for (const f of data.fields) {
    if (!f.required) continue;
    const status = boxItem(f);
    if (status === null) continue;
    const isSignature = f.kind === "signature";
    const what = isSignature ? "Handtekening" : `Het vak '${f.label}'`;
    const text = status === STATUS_OK
      ? (isSignature ? "Er staat een handtekening." : `${what} is ingevuld.`)
      : status === STATUS_MISSING
        ? (isSignature ? "De handtekening ontbreekt. Zet uw handtekening met een pen."
          : `${what} is leeg. Dit vak is verplicht.`)
        : measured(f) && measured(f).light
          ? `${what}: de inkt is erg licht, zoals van potlood of een bijna lege pen. Of dit ` +
            `${isSignature ? "een handtekening" : "goed leesbaar"} is, kunnen we hier niet ` +
            `controleren. Gebruik een pen met donkere inkt.`
          : `${what}: wij weten niet zeker of het is ingevuld. ${CANNOT}`;
    items.push({ id: isSignature ? "signature" : "field:" + f.id, status, text });
  }
  for (const [gid, group] of Object.entries(data.groups)) {
    const statuses = data.fields.filter((f) => f.group === gid).map(boxItem)
      .filter((s) => s !== null);
    if (!statuses.length) continue;
    const pagesOfGroup = new Set(data.fields.filter((f) => f.group === gid).map((f) => f.page));
    const allPages = [...pagesOfGroup].every((n) => formPages.has(n));
    const written = statuses.filter((s) => s === STATUS_OK).length;
    const status = written >= group.min_filled ? STATUS_OK
      : allPages && statuses.every((s) => s === STATUS_MISSING) ? STATUS_MISSING : STATUS_UNSURE;
    items.push({ id: "group:" + gid, status, text: status === STATUS_OK
      ? "Er staat minstens één wijziging op het formulier."
      : status === STATUS_MISSING
        ? `Er staat geen wijziging op het formulier. ${group.rule}`
        : `Wij weten niet zeker of er een wijziging op het formulier staat. ${CANNOT}` });
  }
  items.push(...idItems(id, otherPages, holder));
  const missing = items.filter((i) => i.status === STATUS_MISSING);
  // the seal is no point for the customer to look at: it alone does not hold back the sending
  const unsure = items.filter((i) => i.status === STATUS_UNSURE && i.id !== "seal");
  const summary = missing.length
    ? { status: STATUS_MISSING, text: "Er ontbreekt nog iets. Kijk hieronder wat u nog moet doen." }
    : unsure.length
      ? { status: STATUS_UNSURE, text: "Wij vonden niets dat ontbreekt, maar niet alles kunnen " +
        "we hier controleren. Kijk de punten met een vraagteken zelf na. Daarna kunt u alles versturen." }
      : { status: STATUS_OK, text: "U kunt alles versturen." +
        (sealed ? " De zegel in de QR-code controleert onze klantenservice." : "") };
  return { summary, items, files: perFile.map(describeFile),
    ms: Math.round(performance.now() - started), timings: { ...timings } };
}

// ------------------------------------------------------------------------------------------
// the identity document: its MRZ (controle-mrz.js, loaded only when a page without the form is
// among the files), the name on it, the BSN in it
// ------------------------------------------------------------------------------------------

function mrzParts(p) {
  // once per page (the warm-up and the reading ask for it alike)
  if (!p.mrz) p.mrz = loadMrzParts(p).catch((error) => { p.mrz = null; throw error; });
  return p.mrz;
}

async function loadMrzParts(p) {
  const shapes = await fetch(new URL("mrz.json", p.base).href).then((r) => {
    if (!r.ok) throw new Error("mrz.json: " + r.status);
    return r.json();
  });
  const reader = readerWorker(p);
  const mod = reader.worker ? null : await import(new URL("controle-mrz.js", import.meta.url).href);
  return { shapes, reader, mod, vendor: vendorUrl(p.base, "") };
}

function readerWorker(p) {
  // one Web Worker for the MRZ and the recogniser (controle-ocr.js, loaded there once for an ID
  // copy and the light values alike), where the browser can start one; the page stays responsive
  if (!p.reader) {
    let worker = null;
    try {
      worker = new Worker(new URL("controle-mrz-worker.js", import.meta.url).href,
        { type: "module" });
    } catch (e) {
      worker = null;
    }
    p.reader = { worker, asked: 0, broken: false };
    // a worker that will not start says so once, maybe before it is asked anything (warmed up)
    if (worker) worker.addEventListener("error", () => { p.reader.broken = true; });
  }
  return p.reader;
}

function warmRecogniser(p) {
  // the reader worker started and its text recogniser loading (controle-ocr.js), not awaited
  const reader = readerWorker(p);
  if (reader.worker) reader.worker.postMessage({ warm: true, vendor: vendorUrl(p.base, "") });
}

function askWorker(reader, message, transfer) {
  return new Promise((resolve, reject) => {
    const id = ++reader.asked;
    const answer = (event) => {
      if (event.data.id !== id) return;
      reader.worker.removeEventListener("message", answer);
      reader.worker.removeEventListener("error", failed);
      if (event.data.error) reject(Object.assign(new Error(event.data.error), { answered: true }));
      else resolve(event.data);
    };
    const failed = (event) => {
      reader.worker.removeEventListener("message", answer);
      reader.worker.removeEventListener("error", failed);
      reject(event.error || new Error("worker: " + (event.message || "no start")));
    };
    reader.worker.addEventListener("message", answer);
    reader.worker.addEventListener("error", failed);
    reader.worker.postMessage({ id, ...message }, transfer);
  });
}

function workerUsable(reader) {
  // false once the worker would not start (it is ended, and the page reads from then on)
  if (reader.worker && reader.broken) {
    reader.worker.terminate();
    reader.worker = null;
  }
  return Boolean(reader.worker);
}

function workerFailed(reader) {
  // a worker the browser would not start: the page reads instead, from now on
  reader.worker.terminate();
  reader.worker = null;
}

async function readLinesOnce(lines, p) {
  // the lines ({grey, width, height}) read by the recogniser: in the reader worker, else here
  const reader = readerWorker(p), vendor = vendorUrl(p.base, "");
  if (workerUsable(reader)) {
    try {
      const copies = lines.map((l) => ({ ...l, grey: l.grey.slice() })); // moved to the worker
      const answer = await askWorker(reader, { lines: copies, vendor },
        copies.map((l) => l.grey.buffer));
      return answer.texts;
    } catch (e) {
      if (e.answered) throw e; // the recogniser does not run in this browser
      workerFailed(reader);
    }
  }
  const ocr = await import(new URL("controle-ocr.js", import.meta.url).href);
  return ocr.readLines(lines, vendor);
}

async function readOne(mrz, img) {
  if (workerUsable(mrz.reader)) {
    try {
      const grey = img.grey.slice(); // a copy moves to the worker; the page keeps its own
      const answer = await askWorker(mrz.reader, { grey, width: img.width, height: img.height,
        shapes: mrz.shapes, vendor: mrz.vendor }, [grey.buffer]);
      return answer.read;
    } catch (e) {
      workerFailed(mrz.reader);
    }
  }
  mrz.mod = mrz.mod || await import(new URL("controle-mrz.js", import.meta.url).href);
  const read = mrz.mod.readMrz(img, mrz.shapes);
  if (!read) return read;
  const ocr = await import(new URL("controle-ocr.js", import.meta.url).href);
  return ocr.withText(read, mrz.vendor);
}

async function readIdDocument(candidates, p) {
  const mrz = await mrzParts(p);
  let best = null;
  for (const { img, entry } of candidates) {
    let read = await readOne(mrz, img);
    if ((!read || !read.result.valid) && img.sharper) {
      // a PDF page whose MRZ the form's resolution does not read: read it again larger
      const again = await readOne(mrz, await img.sharper());
      if (again && (!read || again.result.valid)) read = again;
    }
    if (read && (!best || (read.result.valid && !best.result.valid))) {
      best = { ...read, entry };
    }
    if (best && best.result.valid) break;
  }
  return best;
}

function kindOf(result) {
  return result.passport ? "paspoort" : result.type === "TD1" ? "identiteitskaart"
    : "identiteitsbewijs";
}

function sameName(result, holder) {
  // the surname's words and the first given name, as the MRZ and the token both spell them
  // (ICAO 9303); a name the MRZ cut short is compared as far as it goes
  const words = holder.split("+");
  const joined = words.join("");
  const surname = result.surname.replace(/</g, "");
  const first = (result.given || "").split(" ")[0];
  const surnameOk = surname.length > 1 && (joined.endsWith(surname) ||
    (result.truncated && joined.includes(surname)));
  const givenOk = !first || words.some((w) => w === first || (result.truncated && w.startsWith(first)));
  return surnameOk && givenOk;
}

function idItems(id, otherPages, holder) {
  const items = [];
  const mrzWhat = "de MRZ (de regels met <<< onderaan)";
  if (!otherPages) {
    items.push({ id: "id_document", status: STATUS_MISSING, text: "Wij zien geen apart bestand " +
      "met een kopie van uw identiteitsbewijs. Stuur die ook mee." });
    items.push({ id: "bsn", status: STATUS_OK, text: "Wij zien geen identiteitsbewijs, dus ook " +
      "geen burgerservicenummer (BSN)." });
    return items;
  }
  if (!id) {
    items.push({ id: "id_document", status: STATUS_UNSURE, text: "Er is een bestand zonder " +
      `formulier, maar daarop vinden we geen identiteitsbewijs met ${mrzWhat}. Staat de hele ` +
      "kaart of paspoortpagina er scherp op? " + CANNOT });
    items.push({ id: "bsn", status: STATUS_UNSURE, text: "Of uw burgerservicenummer (BSN) op de " +
      "kopie leesbaar is, kunnen we hier niet controleren. Maak het onleesbaar voordat u de " +
      "kopie verstuurt." });
    return items;
  }
  const r = id.result;
  const kind = kindOf(r);
  items.push(r.valid
    ? { id: "id_document", status: STATUS_OK, text: `Wij vonden uw ${kind} (${id.entry.name}). ` +
      `Wij kunnen ${mrzWhat} goed lezen.` }
    : { id: "id_document", status: STATUS_UNSURE, text: `Wij vonden een ${kind} ` +
      `(${id.entry.name}), maar ${mrzWhat} kunnen we niet goed lezen. Maak een scherpere foto ` +
      "of scan, met de hele kaart of paspoortpagina recht in beeld. " + CANNOT });
  // names read by the recogniser, which no check digit covers, may be misread: a name that
  // differs is then no finding
  if (r.valid && holder && (sameName(r, holder) || !r.recognised)) {
    items.push(sameName(r, holder)
      ? { id: "id_name", status: STATUS_OK, text: "De naam op het identiteitsbewijs is de naam " +
        "op het formulier." }
      : { id: "id_name", status: STATUS_UNSURE, text: "De naam op het identiteitsbewijs is niet " +
        "de naam op het formulier. Stuur een kopie van het identiteitsbewijs van de " +
        "klant op wiens naam het formulier staat." });
  } else {
    items.push({ id: "id_name", status: STATUS_UNSURE, text: "Of de naam op het " +
      "identiteitsbewijs de naam op het formulier is: " + CANNOT.toLowerCase() });
  }
  // the BSN in the MRZ, or printed elsewhere on the copy: read by the validator's recogniser
  // (controle-ocr.js), or by the page's own digit shapes (controle-mrz.js, printedBsn); "in
  // orde" where the recogniser read the document's lines and found no nine-digit number, or
  // (without it) where the page sees the personal number's place covered (personalNumberPlace)
  const ocr = id.ocr && !id.ocr.error ? id.ocr : null;
  const noOcr = r.valid && id.ocr && id.ocr.error ? "Het programma dat hier het BSN leest, " +
    "werkt niet in uw browser. " : "";
  if (r.bsnVisible || id.printed === "visible" || (ocr && ocr.bsn)) {
    items.push({ id: "bsn", status: STATUS_MISSING, text: "Uw burgerservicenummer (BSN) is " +
      `leesbaar op de kopie van uw ${kind}` + (r.bsnVisible ? "" : ", waar het gedrukt staat") +
      ". Maak het onleesbaar voordat u de kopie verstuurt, bijvoorbeeld met een strook papier " +
      "of een zwarte stift. Doe dat op alle plaatsen waar het staat: waar het gedrukt staat " +
      "en in de MRZ." });
  } else if (r.valid && ocr && !ocr.number) {
    // the validator's recogniser read the document's lines of print: no number that may be a
    // BSN (nor a bar over part of the personal number's place, print beside it)
    items.push({ id: "bsn", status: STATUS_OK, text: "Uw burgerservicenummer (BSN) is niet " +
      "leesbaar: wij zien het niet in de MRZ en niet op de rest van de kopie." });
  } else if (r.valid && id.printed === "none" && id.place === "covered") {
    items.push({ id: "bsn", status: STATUS_OK, text: "Uw burgerservicenummer (BSN) is niet " +
      "leesbaar: wij zien het niet in de MRZ, en de plaats waar het gedrukt staat, is afgedekt." });
  } else if (r.valid && id.printed === "none") {
    items.push({ id: "bsn", status: STATUS_UNSURE, text: noOcr + "Wij zien niet dat uw " +
      "burgerservicenummer (BSN) is afgedekt op de plaats waar het gedrukt staat. " + CANNOT +
      " Maak het BSN onleesbaar voordat u de kopie verstuurt, bijvoorbeeld met een strook " +
      "papier of een zwarte stift: waar het gedrukt staat en in de MRZ." });
  } else if (r.valid) {
    items.push({ id: "bsn", status: STATUS_UNSURE, text: noOcr + "Op de kopie staat een " +
      "nummer dat wij niet goed kunnen lezen. Of dat uw burgerservicenummer (BSN) is, kunnen " +
      "we hier niet controleren. Maak het BSN onleesbaar op alle plaatsen waar het staat: waar " +
      "het gedrukt staat en in de MRZ." });
  } else {
    items.push({ id: "bsn", status: STATUS_UNSURE, text: "Of uw burgerservicenummer (BSN) op de " +
      "kopie leesbaar is, kunnen we hier niet controleren. Maak het onleesbaar voordat u de " +
      "kopie verstuurt." });
  }
  return items;
}

function describeFile(entry) {
  if (entry.problem && !entry.pages.length) return { name: entry.name, text: entry.problem };
  const seen = entry.pages.map((pg) => pg.form && !pg.other
    ? pageLabel(pg.token) + (pg.aligned ? "" : " (de hoekjes vinden we niet goed)") +
      (pg.token.guessed ? ", waarvan we de QR-code niet kunnen lezen (welke pagina het is, " +
        "zien we aan wat erop gedrukt staat)" : "") +
      (pg.token.sealed ? ", met een zegel in de QR-code die onze klantenservice controleert" : "")
    : pg.form ? "een pagina van een ander formulier"
      : pg.damaged ? "een pagina van het formulier met een beschadigde QR-code: welke pagina " +
        "het is, kunnen we hier niet controleren"
        : pg.formLike ? "een pagina van het formulier waarvan we de QR-code niet kunnen lezen"
          : "geen pagina van het formulier");
  return { name: entry.name, text: seen.length ? "Hierin vonden we: " + seen.join("; ") + "."
    : entry.problem || "Hierin vonden we niets." };
}

const MARKS = { [STATUS_OK]: "In orde", [STATUS_MISSING]: "Ontbreekt", [STATUS_UNSURE]: "Niet zeker" };

export function show(report, out) {
  out.replaceChildren();
  const summary = document.createElement("p");
  summary.className = "controle__samenvatting controle--" + report.summary.status;
  summary.dataset.summary = report.summary.status;
  summary.textContent = report.summary.text;
  out.append(summary);
  const list = document.createElement("ul");
  list.className = "controle__punten";
  for (const item of report.items) {
    const li = document.createElement("li");
    li.className = "controle--" + item.status;
    li.dataset.item = item.id;
    li.dataset.status = item.status;
    const mark = document.createElement("strong");
    mark.textContent = MARKS[item.status] + ": ";
    li.append(mark, document.createTextNode(item.text));
    list.append(li);
  }
  out.append(list);
  const h = document.createElement("p");
  h.textContent = "Per bestand:";
  const files = document.createElement("ul");
  files.className = "controle__bestanden";
  for (const f of report.files) {
    const li = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = f.name + ": ";
    li.append(name, document.createTextNode(f.text));
    files.append(li);
  }
  out.append(h, files);
  out.dataset.ms = String(report.ms);
  out.dataset.timings = JSON.stringify(report.timings);
}
