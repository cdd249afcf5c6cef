/*
  The validator's text recogniser (PP-OCRv4's, as rapidocr ships it) in the browser, with
  onnxruntime-web: it reads the lines of print that controle-mrz.js cuts out of an ID copy (no
  text detector), for a BSN printed on the document. Loaded only when an ID copy is read: the
  wasm and the model come gzip-compressed (vendor/*.gz, unpacked with DecompressionStream); the
  model is the validator's with its last layer cut to digits, Latin letters and a few signs and
  its weights stored as float16 (formgen/site/ocr_model.py). Nothing leaves the browser.
*/
import { bsnIsValid, parseRecognised } from "./controle-mrz.js";

const HEIGHT = 48; // the recogniser's input height (rapidocr: rec_img_shape [3, 48, 320])
const MAX_WIDTH = 48 * 25; // a longer line is cut at this width
// a BSN in the text: nine digits, dots, spaces or dashes between groups (formgen's
// mrz.iter_bsn_candidates)
const NINE_DIGITS = /(?<!\d)(\d(?:[ .-]?\d){8})(?!\d)/g;

// pitches: a bar at least this long in the personal number's place with print beside it covers
// only part of the number (controle-mrz.js BAR_MIN)
const PART_COVER_BAR = 3;

let loading = null;

async function unpacked(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ": " + response.status);
  if (typeof DecompressionStream === "undefined") throw new Error("no DecompressionStream");
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The recogniser (loaded once): {session, chars, ort}; vendor is the vendor folder's URL. */
export function recogniser(vendor) {
  if (!loading) {
    loading = (async () => {
      const [ort, wasm, model, meta] = await Promise.all([
        import(new URL("ort.wasm.bundle.min.mjs", vendor).href),
        unpacked(new URL("ort-wasm-simd-threaded.wasm.gz", vendor).href),
        unpacked(new URL("ocr-rec.onnx.gz", vendor).href),
        fetch(new URL("ocr-rec.json", vendor).href).then((r) => r.json()),
      ]);
      ort.env.wasm.wasmBinary = wasm.buffer;
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      const session = await ort.InferenceSession.create(model,
        { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
      return { session, chars: meta.chars, ort };
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function input(line, ort) {
  // the line's grey pixels scaled to HEIGHT (bilinear), three equal channels, (v / 255 - 0.5) / 0.5
  const width = Math.max(8, Math.min(MAX_WIDTH, Math.ceil(HEIGHT * line.width / line.height)));
  const data = new Float32Array(3 * HEIGHT * width);
  const sx = line.width / width, sy = line.height / HEIGHT;
  for (let y = 0; y < HEIGHT; y++) {
    const fy = Math.min(line.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(line.height - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(line.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(line.width - 1, x0 + 1), wx = fx - x0;
      const g = line.grey;
      const v = (g[y0 * line.width + x0] * (1 - wx) + g[y0 * line.width + x1] * wx) * (1 - wy) +
        (g[y1 * line.width + x0] * (1 - wx) + g[y1 * line.width + x1] * wx) * wy;
      const n = v / 127.5 - 1;
      const o = y * width + x;
      data[o] = n; data[HEIGHT * width + o] = n; data[2 * HEIGHT * width + o] = n;
    }
  }
  return new ort.Tensor("float32", data, [1, 3, HEIGHT, width]);
}

function decode(probs, steps, classes, chars) {
  // CTC, greedy (rapidocr's CTCLabelDecode): the best class per step, repeats and blanks out
  let text = "", last = 0, sum = 0, n = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0, p = -1;
    for (let c = 0; c < classes; c++) {
      const v = probs[t * classes + c];
      if (v > p) { p = v; best = c; }
    }
    if (best !== 0 && best !== last) { text += chars[best]; sum += p; n++; }
    last = best;
  }
  return { text, score: n ? sum / n : 0 };
}

/** Each line ({grey, width, height}) read: [{text, score}]. */
export async function readLines(lines, vendor, enough = () => false) {
  // enough(read): stop after a line so read (the validator stops at the first BSN too)
  const { session, chars, ort } = await recogniser(vendor);
  const out = [];
  for (const line of lines) {
    const feeds = { [session.inputNames[0]]: input(line, ort) };
    const result = (await session.run(feeds))[session.outputNames[0]];
    const [, steps, classes] = result.dims;
    out.push(decode(result.data, steps, classes, chars));
    if (enough(out[out.length - 1])) break;
  }
  return out;
}

/** The nine-digit numbers in a text (valid or not), as the validator's text_has_bsn sees them. */
export function nineDigitNumbers(text) {
  return [...text.matchAll(NINE_DIGITS)].map((m) => m[1].replace(/\D/g, ""));
}

// letters a digit in an unusual face is read as (a number read so is no number the page may
// call covered)
const LOOK_ALIKE = { O: "0", o: "0", Q: "0", D: "0", I: "1", l: "1", i: "1", L: "1", "|": "1",
  Z: "2", z: "2", S: "5", s: "5", G: "6", b: "6", T: "7", B: "8", g: "9", q: "9" };

// a run of at least so many digits (dots, spaces or dashes between groups) may be a BSN the
// recogniser read a digit short of (a script face's digit taken for nothing), unless a date
const PART_DIGITS = 7;
const RUN = /(?<!\d)\d(?:[ .-]?\d){6,}(?!\d)/g;

function isDate(digits) {
  // DDMMYYYY, as ID documents print dates in digits
  if (digits.length !== 8) return false;
  const day = +digits.slice(0, 2), month = +digits.slice(2, 4), year = +digits.slice(4);
  return day >= 1 && day <= 31 && month >= 1 && month <= 12 && year >= 1900 && year <= 2099;
}

/**
 * A number that may be a BSN in a text, read with look-alike letters as digits: nine digits
 * or more (valid or not), or PART_DIGITS or more that are no date; the document's number
 * (from its MRZ; printed on the document too) left out.
 */
export function numberLike(text, documentNumber = "") {
  const digits = (t) => [...t].map((ch) => LOOK_ALIKE[ch] || ch).join("");
  const own = digits(documentNumber);
  return [...digits(text).matchAll(RUN)].map((m) => m[0].replace(/\D/g, ""))
    .some((n) => n.length >= PART_DIGITS && !isDate(n) && !(own && own.includes(n)));
}

/** Whether a text holds a BSN (nine digits that pass the 11-test). */
export function holdsBsn(text) {
  return nineDigitNumbers(text).some(bsnIsValid);
}

/**
 * An MRZ read (controle-mrz.js readMrz) with its document's lines read (read.ocr: {lines,
 * bsn, number}: a text holds a BSN; a number that may be one (numberLike), or a bar over
 * part of the personal number's place with print beside it; or {error}
 * where the browser cannot run the recogniser). Not read where the MRZ is not valid or already
 * shows the BSN.
 * The lines' pixels are dropped.
 */
export async function withText(read, vendor) {
  const again = read.again || [];
  delete read.again;
  for (const block of read.result.valid ? [] : again) {
    // the MRZ's rows read by the recogniser (as the validator reads them) where the shapes'
    // reading fails its check digits; taken only where every check digit then fits
    try {
      const result = parseRecognised((await readLines(block.rows, vendor)).map((t) => t.text),
        block.type);
      if (result) {
        Object.assign(read, block.described(), { result });
        break;
      }
    } catch (error) {
      delete read.lines;
      read.ocr = { error: String(error) };
      return read;
    }
  }
  const lines = read.lines || [];
  delete read.lines;
  if (!read.result.valid || read.result.bsnVisible || read.printed === "visible") return read;
  try {
    const texts = (await readLines(lines, vendor, (t) => holdsBsn(t.text))).map((t) => t.text);
    // a bar over part of the personal number's place and print beside it: the number covered
    // in part (its last digits may be too few to make a line the page cuts out)
    const partly = read.place === "print" && read.placeMeasures.bar >= PART_COVER_BAR;
    // what was read is not kept: only whether it holds a BSN or a number that may be one
    read.ocr = { lines: texts.length, bsn: texts.some(holdsBsn),
      number: partly || texts.some((t) => numberLike(t, read.result.number || "")) };
  } catch (error) {
    read.ocr = { error: String(error) };
  }
  return read;
}
