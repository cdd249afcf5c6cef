/*
  The MRZ of an identity document, read in the customer's browser (the scan check loads this
  only when a page without the form's QR code is among the files).

  Locating: dark specks of the size of a letter (a local threshold), chained left to right into
  text rows; the MRZ is two rows of 44 (passport, TD3) or three rows of 30 (ID card, TD1)
  characters at one pitch. Reading: every character cell is compared with the MRZ alphabet's
  OCR-B shapes (written into formulier.json at build time: ICAO 9303 prescribes OCR-B), on the
  same grid. Checking: the validator's rules (formgen.check.identity.mrz): the check digits
  (weights 7-3-1), and the BSN in the optional data (TD1 line 1 positions 16-30, TD3 personal
  number), valid by the Dutch 11-test (stdnum nl.bsn). A masked BSN leaves the composite check
  digit "not verifiable", as in the validator. A BSN printed elsewhere on the copy: rows of
  digits outside the MRZ, each speck compared with the digits of a few type faces, nine that
  pass the 11-test; nine that look like digits but are not read surely are a number this page
  cannot read. The document around the MRZ is also read turned straight by the MRZ's angle and
  scaled by its pitch (its size from ICAO 9303), so that small, turned and blurred copies are
  read at one size. Not reading a number is not seeing none: the personal number's place must
  be seen covered (a bar, or blank under its label) before the page calls the BSN covered. The
  place is under the number's label where the page reads it ("BSN", "Persoonsnummer": any
  layout), else where the ID card and the passport print it (formgen.check.identity.layout, in
  mrz.json). Dates printed in digits are no number. Nothing read here is stored or sent.
*/

import { labelPieces } from "./controle-pieces.js";

const MIN_CHAR_PX = 7; // a character lower than this is too small to read
const MAX_CHAR_PX = 90;
const THRESHOLD_WINDOW = 31; // px, the local mean's window for the ink threshold
const THRESHOLD_DROP = 0.82; // ink: darker than this share of the local mean
const MIN_ROW_CHARS = 4; // a shorter chain is no part of an MRZ row (a bar over the BSN leaves 6)
const MIN_SCORE = 0.45; // a cell less like any shape than this is unreadable ("?")
// A BSN printed outside the MRZ (the card's back, the passport page): nine specks in a row,
// each at least this like a digit of one of the fonts (controle/mrz.json "digits") and more
// like it than like a letter, read as those digits; a speck this like a letter is a letter
const DIGIT_SURE = 0.7;
// a speck this like a digit and not surely a letter may be a digit in a type face the page
// does not know: nine such in a row are a number the page cannot read
const DIGIT_LIKE = 0.6;
// nine specks each at least this like a digit, MOST_LIKE of them like it (DIGIT_LIKE) and none
// surely a letter (CLEAR_LETTER), are read as those digits
const DIGIT_SEEN = 0.5;
const MOST_LIKE = 5;
const BSN_LENGTH = 9;
const PART_LENGTH = 6; // so many digits, not all read surely: part of a number
const DATE_LENGTH = 8; // a row of eight digits that are a date (DDMMYYYY) is a date
const UNREAD_DIGITS = 2; // so many specks of nine may be unlike any digit (a dot run into one)
// a speck is a letter when it is this much more like a letter than like any digit, and surely
// one when CLEAR_LETTER more
const LETTER_MARGIN = 0.05;
const CLEAR_LETTER = 0.2;
const LOOK_ALIKES = "OQDILSBZG"; // letters a digit is easily taken for (0 1 5 8 2 6)
// The document around its MRZ, in MRZ character pitches (mrz.json "documents", from
// formgen.check.identity.layout: the height of an ID card or a passport page and the place of
// the personal number, from the MRZ's first character). That part of the copy is turned
// straight and scaled to NORM_PITCH px per pitch before its printed numbers are looked for, so
// that a small, turned or blurred copy is read at one size.
const DOC_MARGIN = 3; // pitches beyond the MRZ's ends and the document's top (a photo's slant)
const NORM_PITCH = 24; // px: a value printed 2-3 mm high is then 15-25 px high
const STRAIGHT_ROW = 10; // specks: a row this long tells the MRZ's slope and pitch
const STRAIGHT_ANGLE = 0.03; // rad: rows more slanted than this are read again turned straight
const STRAIGHT_PITCH = 14; // px per character the place is enlarged to (7 px pitch reads badly)
const STRAIGHT_MIN_SCALE = 1.25; // ... where that enlarges it at least this much
const STRAIGHT_MAX_SCALE = 2.5;
const STRAIGHT_REACH = 36; // pitches around the rows: the whole card or passport page
const AGAIN_BLOCKS = 2; // blocks read again by the recogniser where none is read validly
const SPLIT_WIDTH = 0.85; // a speck wider than 1.3 heights is so many heights per character
// The personal number's place is "covered" only where the page sees a cover on it: a bar (a run
// of columns dark on most of the number's rows, longer than any digit) with no other ink in the
// place, or the place blank under its label (a sticker, a paper strip); ink there that is
// neither a cover nor a speck is print. In pitches unless said otherwise.
const PLACE_MARGIN = [0.5, -0.1, 0.6]; // the place looked at: wider, from lower, to lower
const PAPER_SHARE = 0.9; // the paper's level: this share of the place and around is lighter
const DARK = 0.5; // darker than this share of the paper's level: a bar's ink (or print's)
const BAR_ROWS = 0.8; // a bar's column is dark on this share of the number's middle rows
const BAR_MIN = 3; // a dark run at least this long is a bar
const BAR_EDGE = 0.25; // the bar's own edge, around it, belongs to the bar
const BAR_CORE = 2; // px: a bar's pixel is dark with all pixels so far around it
const SPECK_AREA = 0.04; // square pitches: ink smaller than this is a speck
const EDGE_THIN = 0.2; // ink this thin on average and EDGE_LONG long (however it lies) is an
// edge: a strip's, a shadow's, the photo's frame
const EDGE_LONG = 1.5;
const LABEL_LETTERS = 3; // at least so many letters on the label's line: the layout is this one
const LABEL_HIGH = 0.5; // ... of a median height below this: the label's small print, no number
// The personal number's label, read (findLabel) in small print (letters LABEL_MIN_H..LABEL_MAX_H
// pitches high, at most WORD_GAP heights apart on one baseline): a short one (LABEL_WORDS)
// letter by letter (readsAs), SPACE heights clear of other letters on its line; a long one by
// its whole shape (WORD_LIKE). The number is printed under it: from LABEL_TO_NUMBER[0] to [1]
// capital heights below its baseline, over NUMBER_REACH pitches from its left (9-11
// characters of a value 2-3 mm high, as the ID card's layout gives it). Ink on the label's own
// line after it is a number printed beside it: any character after a short label (SHORT_LABEL
// letters, LETTER_HIGH), print VALUE_HIGH times its height after a long one.
const LABEL_WORDS = ["BSN"];
const WORD_LIKE = 0.75; // a run of letters this like a long label's shape (mrz.json "words")
const WORD_ASPECT = 0.2; // ... whose box's width over height is the word's within this share
const RUN_WIDTH = 4; // a piece of small print this many heights wide: letters run together
const LABEL_MIN_H = 0.25;
const LABEL_MAX_H = 0.8;
const LABEL_SURE = 0.6;
const LABEL_LIKE = 0.45;
const WORD_GAP = 0.45;
const SPACE = 0.6;
const LABEL_TO_NUMBER = [0.1, 3.0];
const NUMBER_REACH = 12;
const VALUE_HIGH = 1.25;
const SHORT_LABEL = 4; // letters
const LETTER_HIGH = 0.5; // ink this high (of the label's) is a character, lower a dot or dash
// The document's top edge, looked for EDGE_SEARCH of its distance from the MRZ around where the
// layout puts it, in EDGE_BANDS bands across the document: in each, the first row from above
// where the grey jumps by EDGE_JUMP levels on average (over 4 px: a photo's slant tilts the
// edge); a straight line through at least EDGE_AGREE bands, none farther than EDGE_SPREAD from
// it. Where it crosses the personal number's column it sets the vertical scale above the MRZ
// (a photo taken at a slant stretches or shrinks it).
const EDGE_SEARCH = 0.15;
const EDGE_BANDS = 16;
const EDGE_JUMP = 20;
const EDGE_AGREE = 8;
const EDGE_SPREAD = 0.3;

// ------------------------------------------------------------------------------------------
// check digits, the BSN, the two layouts (ported from formgen/check/identity/mrz.py)
// ------------------------------------------------------------------------------------------

const TO_DIGIT = { O: "0", Q: "0", D: "0", I: "1", L: "1", S: "5", B: "8", Z: "2", G: "6" };
const TO_ALPHA = { 0: "O", 1: "I", 5: "S", 8: "B", 2: "Z", 6: "G" };

export function checkDigit(data) {
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const ch = data[i];
    let v;
    if (ch >= "0" && ch <= "9") v = ch.charCodeAt(0) - 48;
    else if (ch >= "A" && ch <= "Z") v = ch.charCodeAt(0) - 55;
    else if (ch === "<") v = 0;
    else return null;
    total += v * [7, 3, 1][i % 3];
  }
  return String(total % 10);
}

export function bsnIsValid(digits) {
  // the Dutch 11-test (python-stdnum's nl.bsn): nine digits, sum(d_i * (9..2)) - d_9 = 0 mod 11
  if (!/^[0-9]{9}$/.test(digits) || digits === "000000000") return false;
  let total = 0;
  for (let i = 0; i < 8; i++) total += Number(digits[i]) * (9 - i);
  return (total - Number(digits[8])) % 11 === 0;
}

function fix(text, kind) {
  return [...text].map((ch) => kind === "9" || (kind === "c" && ch !== "<")
    ? TO_DIGIT[ch] || ch : kind === "A" ? TO_ALPHA[ch] || ch : ch).join("");
}

// letters and digits a reader confuses inside the document number (the validator's table)
const AMBIGUOUS = { O: "0", 0: "O", I: "1", 1: "I", S: "5", 5: "S", B: "8", 8: "B", Z: "2",
  2: "Z", G: "6", 6: "G", D: "0", Q: "0" };

function matchingDocnum(raw, country, digit) {
  // the reading of the document number that its check digit confirms, or the raw reading
  const variants = [raw];
  if (country === "NLD" && raw.includes("O")) variants.unshift(raw.replace(/O/g, "0"));
  const positions = [...raw].map((ch, i) => (ch in AMBIGUOUS ? i : -1)).filter((i) => i >= 0)
    .slice(0, 5);
  for (let combo = 1; combo < 1 << positions.length; combo++) {
    const chars = [...raw];
    positions.forEach((pos, k) => {
      if (combo & (1 << (positions.length - 1 - k))) chars[pos] = AMBIGUOUS[chars[pos]];
    });
    variants.push(chars.join(""));
  }
  return variants.find((v) => checkDigit(v) === digit) || raw;
}

function bsnInField(raw) {
  const head = raw.slice(0, 9), tail = raw.slice(9);
  if (head.length < 9 || [...head].filter((c) => c >= "0" && c <= "9").length < 7) return null;
  const fixed = fix(head, "9");
  if (!/^[0-9]{9}$/.test(fixed) || /[^<0-9]/.test(tail)) return null;
  return fixed;
}

function optionalField(raw, country) {
  const bsn = bsnInField(raw);
  if (bsn !== null) return { bsn, masked: false };
  return { bsn: null, masked: country === "NLD" || raw.replace(/</g, "") !== "" };
}

function names(field) {
  const text = field.replace(/<+$/, "");
  const [primary, secondary = ""] = text.includes("<<") ? text.split(/<<(.*)/s) : [text, ""];
  return { surname: primary.replace(/^<+|<+$/g, ""),
    given: secondary.split("<").filter(Boolean).join(" "), truncated: !field.endsWith("<") };
}

function validDate(yymmdd) {
  if (!/^[0-9]{6}$/.test(yymmdd)) return false;
  const m = Number(yymmdd.slice(2, 4)), d = Number(yymmdd.slice(4));
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

function checker() {
  const c = { failures: [], checks: {} };
  c.check = (name, data, digit, allowFiller = false) => {
    const expected = checkDigit(data);
    const ok = expected !== null && (digit === expected ||
      (allowFiller && digit === "<" && /^<*$/.test(data)));
    c.checks[name] = ok ? "ok" : "fout";
    if (!ok) c.failures.push(name);
    return ok;
  };
  c.notVerifiable = (name) => { c.checks[name] = "niet te controleren"; };
  return c;
}

function finish(c, type, code, country, number, sex, birth, expiry, name, bsn, masked) {
  if (!validDate(birth) && c.checks.birth_date === "ok") c.failures.push("birth_date");
  if (!validDate(expiry) && c.checks.expiry_date === "ok") c.failures.push("expiry_date");
  if (!/^[A-Z<]{3}$/.test(country)) c.failures.push("country");
  if (!["M", "F", "X", "<"].includes(sex)) c.failures.push("sex");
  if (!name.surname || !/^[A-Z<]+$/.test(name.surname)) c.failures.push("name");
  return { type, code, country, number, valid: c.failures.length === 0, checks: c.checks,
    surname: name.surname, given: name.given, truncated: name.truncated,
    bsnVisible: bsn !== null && bsnIsValid(bsn), bsnMasked: bsn === null && masked,
    passport: type === "TD3" && code.startsWith("P") };
}

export function parseTd1([l1, l2, l3]) {
  const code = fix(l1.slice(0, 2), "A"), country = fix(l1.slice(2, 5), "A");
  const c = checker();
  let docnum = l1.slice(5, 14), docCd = fix(l1[14], "c"), optional = l1.slice(15, 30);
  const overflow = docCd === "<" && optional.replace(/<+$/, "") !== "";
  if (overflow) {
    const ext = optional.split("<", 1)[0];
    docnum += ext.slice(0, -1);
    docCd = fix(ext.slice(-1), "c");
    optional = optional.slice(ext.length);
  }
  docnum = matchingDocnum(docnum, country, docCd);
  c.check("document_number", docnum, docCd);
  const birth = fix(l2.slice(0, 6), "9"), birthCd = fix(l2[6], "c"), sex = l2[7];
  const expiry = fix(l2.slice(8, 14), "9"), expiryCd = fix(l2[14], "c");
  const optional2 = l2.slice(18, 29), compositeCd = fix(l2[29], "c");
  c.check("birth_date", birth, birthCd);
  c.check("expiry_date", expiry, expiryCd);
  const { bsn, masked } = optionalField(optional, country);
  const upper = overflow ? l1.slice(5, 30)
    : docnum + docCd + (bsn !== null ? bsn + optional.slice(9) : optional);
  const composite = upper + birth + birthCd + expiry + expiryCd + optional2;
  if (masked && checkDigit(composite) !== compositeCd) c.notVerifiable("composite");
  else c.check("composite", composite, compositeCd);
  return finish(c, "TD1", code, country, docnum, sex, birth, expiry, names(fix(l3, "A")), bsn,
    masked);
}

export function parseTd3([l1, l2]) {
  const code = fix(l1.slice(0, 2), "A"), country = fix(l1.slice(2, 5), "A");
  const name = names(fix(l1.slice(5, 44), "A"));
  const c = checker();
  const docCd = fix(l2[9], "c");
  const docnum = matchingDocnum(l2.slice(0, 9), country, docCd);
  c.check("document_number", docnum, docCd);
  const birth = fix(l2.slice(13, 19), "9"), birthCd = fix(l2[19], "c"), sex = l2[20];
  const expiry = fix(l2.slice(21, 27), "9"), expiryCd = fix(l2[27], "c");
  c.check("birth_date", birth, birthCd);
  c.check("expiry_date", expiry, expiryCd);
  let personal = l2.slice(28, 42);
  const personalCd = fix(l2[42], "c"), compositeCd = fix(l2[43], "c");
  const { bsn, masked } = optionalField(personal, country);
  if (bsn !== null) personal = bsn + personal.slice(9);
  if (masked && checkDigit(personal) !== personalCd) c.notVerifiable("personal_number");
  else c.check("personal_number", personal, personalCd, true);
  const composite = docnum + docCd + birth + birthCd + expiry + expiryCd + personal + personalCd;
  if (masked && checkDigit(composite) !== compositeCd) c.notVerifiable("composite");
  else c.check("composite", composite, compositeCd);
  return finish(c, "TD3", code, country, docnum, sex, birth, expiry, name, bsn, masked);
}

// ------------------------------------------------------------------------------------------
// locating the rows
// ------------------------------------------------------------------------------------------

function inkMask(grey, width, height, paper = 0) {
  // ink: darker than THRESHOLD_DROP of the mean over a THRESHOLD_WINDOW square (integral image);
  // with paper (a level), pixels darker than DARK of it count as paper in the mean, so that a
  // bar does not hide the small print beside it
  const w1 = width + 1;
  const sum = new Float64Array(w1 * (height + 1));
  const cut = DARK * paper;
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      const g = grey[y * width + x];
      row += g < cut ? paper : g;
      sum[(y + 1) * w1 + x + 1] = sum[y * w1 + x + 1] + row;
    }
  }
  const r = THRESHOLD_WINDOW >> 1;
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r), x1 = Math.min(width, x + r + 1);
      const s = sum[y1 * w1 + x1] - sum[y0 * w1 + x1] - sum[y1 * w1 + x0] + sum[y0 * w1 + x0];
      const mean = s / ((y1 - y0) * (x1 - x0));
      mask[y * width + x] = grey[y * width + x] < mean * THRESHOLD_DROP ? 1 : 0;
    }
  }
  return mask;
}

function components(mask, width, height, split = false) {
  // 8-connected specks with their boxes; only letter-sized ones are kept (split: a speck of
  // characters run together, as blur and bold type make them, is cut where its columns hold
  // the least ink)
  const { pieces: found, label } = labelPieces(mask, width, height);
  const out = [];
  for (const { id, x0: minX, x1: maxX, y0: minY, y1: maxY, w, h, area } of found) {
    if (split && h >= MIN_CHAR_PX && h <= MAX_CHAR_PX && w > 1.3 * h && w <= 6 * h &&
        area >= 0.12 * w * h) {
      out.push(...splitSpeck(label, id, width, minX, maxX, minY, maxY));
      continue;
    }
    if (h >= MIN_CHAR_PX && h <= MAX_CHAR_PX && w <= 1.3 * h && w >= 0.15 * h &&
        area >= 0.12 * w * h) {
      out.push({ x0: minX, x1: maxX, y0: minY, y1: maxY, w, h,
        cx: (minX + maxX) / 2, cy: (minY + maxY) / 2 });
    }
  }
  return out;
}

function splitSpeck(label, id, width, x0, x1, y0, y1) {
  // a speck of k characters (k from its width) cut at the emptiest column near each k-th
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const ink = new Int32Array(w);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) if (label[y * width + x] === id) ink[x - x0]++;
  }
  const k = Math.max(2, Math.round(w / (SPLIT_WIDTH * h)));
  const cuts = [0];
  for (let c = 1; c < k; c++) {
    const at = Math.round((c * w) / k), reach = Math.round(w / k / 4);
    let best = at;
    for (let x = Math.max(1, at - reach); x <= Math.min(w - 2, at + reach); x++) {
      if (ink[x] < ink[best]) best = x;
    }
    cuts.push(best);
  }
  cuts.push(w);
  const out = [];
  for (let c = 0; c < k; c++) {
    const a = x0 + cuts[c], b = x0 + cuts[c + 1] - 1;
    if (b - a + 1 < 0.15 * h) continue;
    out.push({ x0: a, x1: b, y0, y1, w: b - a + 1, h, cx: (a + b) / 2, cy: (y0 + y1) / 2 });
  }
  return out;
}

function rows(specks) {
  // each speck's nearest right neighbour of about its height on about its line; mutual pairs
  // make chains (the rows of text)
  const cell = 64;
  const grid = new Map();
  specks.forEach((s, i) => {
    const k = Math.floor(s.cx / cell) + "," + Math.floor(s.cy / cell);
    if (!grid.has(k)) grid.set(k, []);
    grid.get(k).push(i);
  });
  const right = new Int32Array(specks.length).fill(-1);
  const left = new Int32Array(specks.length).fill(-1);
  const dist = new Float64Array(specks.length).fill(Infinity);
  specks.forEach((a, i) => {
    let best = -1, bestDx = Infinity;
    const reach = 2.2 * a.h;
    const gx0 = Math.floor(a.cx / cell), gx1 = Math.floor((a.cx + reach) / cell);
    const gy0 = Math.floor((a.cy - a.h) / cell), gy1 = Math.floor((a.cy + a.h) / cell);
    for (let gx = gx0; gx <= gx1; gx++) {
      for (let gy = gy0; gy <= gy1; gy++) {
        for (const j of grid.get(gx + "," + gy) || []) {
          const b = specks[j];
          const dx = b.cx - a.cx;
          if (dx <= 0.3 * a.h || dx > reach || b.h < 0.7 * a.h || b.h > 1.4 * a.h) continue;
          if (Math.abs(b.cy - a.cy) > 0.35 * a.h + 0.25 * dx) continue;
          if (dx < bestDx) { bestDx = dx; best = j; }
        }
      }
    }
    right[i] = best;
    if (best >= 0 && bestDx < dist[best]) { dist[best] = bestDx; left[best] = i; }
  });
  const chains = [];
  specks.forEach((s, i) => {
    if (left[i] >= 0 && right[left[i]] === i) return; // not a chain's start
    const chain = [s];
    let j = i;
    while (right[j] >= 0 && left[right[j]] === j) {
      j = right[j];
      chain.push(specks[j]);
    }
    if (chain.length >= MIN_ROW_CHARS) chains.push(chain);
  });
  return chains.map(describeRow);
}

function fit(points) {
  // least squares y = a + b x
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let sxx = 0, sxy = 0;
  for (const [x, y] of points) { sxx += (x - mx) ** 2; sxy += (x - mx) * (y - my); }
  const b = sxx ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

function describeRow(specks) {
  const gaps = specks.slice(1).map((s, i) => s.cx - specks[i].cx).sort((a, b) => a - b);
  const pitch = gaps[gaps.length >> 1];
  const heights = specks.map((s) => s.h).sort((a, b) => a - b);
  const h = heights[heights.length >> 1];
  const centre = fit(specks.map((s) => [s.cx, s.cy]));
  return { specks, pitch, h, centre, x0: specks[0].cx, x1: specks[specks.length - 1].cx };
}

function mergeRows(rowsFound) {
  // a row cut by a bar over the BSN (or a smudge) is one row again: same line, same pitch
  const sorted = rowsFound.slice().sort((a, b) => a.x0 - b.x0);
  const out = [];
  for (const r of sorted) {
    const m = out.find((o) => r.x0 > o.x1 && r.x0 - o.x1 < 14 * o.pitch &&
      Math.abs(r.pitch - o.pitch) < 0.15 * o.pitch &&
      Math.abs(o.centre.a + o.centre.b * r.x0 - (r.centre.a + r.centre.b * r.x0)) < 0.4 * o.h);
    if (m) {
      Object.assign(m, describeRow(m.specks.concat(r.specks)));
    } else {
      out.push(r);
    }
  }
  return out;
}

function blocks(rowsFound) {
  // two rows of 44 or three of 30 characters, under one another at one pitch
  const out = [];
  const withLength = rowsFound.map((r) => ({ ...r, chars: Math.round((r.x1 - r.x0) / r.pitch) + 1 }));
  for (const [type, n, count] of [["TD3", 44, 2], ["TD1", 30, 3]]) {
    const fits = withLength.filter((r) => Math.abs(r.chars - n) <= 3)
      .sort((a, b) => a.centre.a + a.centre.b * a.x0 - (b.centre.a + b.centre.b * b.x0));
    for (let i = 0; i + count <= fits.length; i++) {
      const group = fits.slice(i, i + count);
      const ok = group.every((r, k) => k === 0 || (() => {
        const prev = group[k - 1];
        const gap = r.centre.a + r.centre.b * r.x0 - (prev.centre.a + prev.centre.b * r.x0);
        return gap > 1.1 * prev.h && gap < 3 * prev.h && Math.abs(r.x0 - prev.x0) < 2 * prev.pitch &&
          Math.abs(r.pitch - prev.pitch) < 0.12 * prev.pitch;
      })());
      if (ok) out.push({ type, n, rows: group });
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// reading the cells
// ------------------------------------------------------------------------------------------

function readRow(row, n, grey, width, height, shapes) {
  // per cell: how like each shape of the alphabet it is (-1..1), best over small shifts
  const { cols, rows: gridRows, chars } = shapes;
  const tops = fit(row.specks.filter((s) => s.h >= 0.85 * row.h).map((s) => [s.cx, s.y0]));
  const bottoms = fit(row.specks.filter((s) => s.h >= 0.85 * row.h).map((s) => [s.cx, s.y1 + 1]));
  // the first and the last character: the row's ends; the pitch from their distance
  const step = (row.x1 - row.x0) / (n - 1); // along x
  const angle = Math.atan(row.centre.b);
  const ux = Math.cos(angle), uy = Math.sin(angle);
  const pitch = step / ux; // along the row
  // paper and ink of the row, for an ink scale like the shapes' (0..1)
  const levels = [];
  for (const s of row.specks) {
    for (let y = s.y0; y <= s.y1; y += 2) for (let x = s.x0; x <= s.x1; x += 2) levels.push(grey[y * width + x]);
  }
  levels.sort((a, b) => a - b);
  const ink = levels[Math.floor(levels.length * 0.05)];
  const paper = levels[Math.floor(levels.length * 0.97)];
  const span = Math.max(20, paper - ink);
  const at = (x, y) => {
    const ix = Math.floor(x), iy = Math.floor(y);
    if (ix < 0 || iy < 0 || ix + 1 >= width || iy + 1 >= height) return 0;
    const fx = x - ix, fy = y - iy, o = iy * width + ix;
    const v = (grey[o] * (1 - fx) + grey[o + 1] * fx) * (1 - fy) +
      (grey[o + width] * (1 - fx) + grey[o + width + 1] * fx) * fy;
    return Math.max(0, Math.min(1, (paper - v) / span));
  };
  const cells = [];
  // walk the row cell by cell: on the speck where one is (a photo's perspective changes the
  // pitch along the row), else one pitch on (a cell under a bar, a character lost)
  let next = row.x0;
  for (let i = 0; i < n; i++) {
    let cx = next;
    const k = row.specks.findIndex((s) => Math.abs(s.cx - cx) < 0.45 * step);
    if (k >= 0) {
      cx = row.specks[k].cx;
      const gap = k + 1 < row.specks.length ? row.specks[k + 1].cx - cx : step;
      next = cx + (gap > 0.75 * step && gap < 1.25 * step ? gap : step);
    } else {
      next = cx + step;
    }
    const top = tops.a + tops.b * cx, bottom = bottoms.a + bottoms.b * cx;
    const hgt = bottom - top;
    const cy = (top + bottom) / 2;
    const like = new Float64Array(chars.length).fill(-1);
    const sample = new Float64Array(cols * gridRows);
    for (const [sx, sy] of [[0, 0], [-0.08, 0], [0.08, 0], [0, -0.06], [0, 0.06]]) {
      for (let r = 0; r < gridRows; r++) {
        for (let c = 0; c < cols; c++) {
          let acc = 0;
          for (let k = 0; k < 4; k++) {
            const u = ((c + (k & 1 ? 0.75 : 0.25)) / cols - 0.5 + sx) * pitch;
            const v = ((r + (k & 2 ? 0.75 : 0.25)) / gridRows - 0.5 + sy) * hgt;
            acc += at(cx + u * ux - v * uy, cy + u * uy + v * ux);
          }
          sample[r * cols + c] = acc / 4;
        }
      }
      // a cell without its own speck may touch a bar (over the BSN): its side is left out
      const windows = k >= 0 ? [[0, cols]] : [[0, cols], [0, cols - 3], [3, cols]];
      for (const [c0, c1] of windows) compare(sample, c0, c1, shapes, like);
    }
    cells.push(like);
  }
  return cells;
}

// What each position of a row may hold (ICAO 9303): A letters, 9 digits, X letters and digits,
// S the sex (M, F, X), C a check digit; the filler < may stand anywhere but in a date. Each
// cell is read as the likeliest character its position allows.
const LAYOUTS = {
  TD1: ["AAAAAXXXXXXXXXCXXXXXXXXXXXXXXX", "999999CS999999CAAAXXXXXXXXXXXC",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
  TD3: ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "XXXXXXXXXCAAA999999CS999999CXXXXXXXXXXXXXXCC"],
};
const ALLOWED = { A: /[A-Z<]/, 9: /[0-9]/, X: /[A-Z0-9<]/, S: /[MFX<]/, C: /[0-9<]/ };

function spell(cells, layout, chars) {
  return cells.map((like, i) => {
    const allowed = ALLOWED[layout[i]];
    let best = "?", bestScore = MIN_SCORE;
    like.forEach((score, k) => {
      if (score > bestScore && allowed.test(chars[k])) { bestScore = score; best = chars[k]; }
    });
    return best;
  }).join("");
}

function compare(sample, c0, c1, shapes, like, unitInk = true) {
  // correlation of the sample's columns c0..c1 with the same columns of every shape (unitInk:
  // the sample's ink is scaled 0..1, and a bar or nothing is unreadable)
  const { cols } = shapes;
  const idx = [];
  for (let j = 0; j < sample.length; j++) if (j % cols >= c0 && j % cols < c1) idx.push(j);
  let sMean = 0;
  for (const j of idx) sMean += sample[j];
  sMean /= idx.length;
  if (unitInk && (sMean > 0.8 || sMean < 0.02)) return;
  let sVar = 0;
  for (const j of idx) sVar += (sample[j] - sMean) ** 2;
  shapes.shapes.forEach((shape, k) => {
    let tMean = 0;
    for (const j of idx) tMean += shape[j];
    tMean /= idx.length;
    let cov = 0, tVar = 0;
    for (const j of idx) {
      const t = shape[j] - tMean;
      cov += (sample[j] - sMean) * t;
      tVar += t * t;
    }
    like[k] = Math.max(like[k], cov / Math.sqrt(sVar * tVar || 1));
  });
}

// ------------------------------------------------------------------------------------------
// a BSN printed outside the MRZ
// ------------------------------------------------------------------------------------------

function likeness(s, angle, grey, width, height, digits) {
  // the speck's own box, turned back by the row's angle, sampled on the digits' grid and
  // compared with every font's digits and letters: how like each it is (-1..1)
  const { cols, rows: gridRows, shapes } = digits;
  const sample = new Float64Array(cols * gridRows);
  const cos = Math.cos(angle), sin = Math.sin(angle), turn = cos * cos - sin * sin;
  const bw = s.x1 - s.x0 + 1, bh = s.y1 - s.y0 + 1, as = Math.abs(sin);
  // the glyph's own width and height, from its box on the page
  let w = (bw * cos - bh * as) / turn, h = (bh * cos - bw * as) / turn;
  if (!(w > 1 && h > 1)) { w = bw; h = bh; }
  const cx = (s.x0 + s.x1 + 1) / 2, cy = (s.y0 + s.y1 + 1) / 2;
  for (let r = 0; r < gridRows; r++) {
    for (let c = 0; c < cols; c++) {
      let acc = 0;
      for (let k = 0; k < 4; k++) {
        const u = ((c + (k & 1 ? 0.75 : 0.25)) / cols - 0.5) * w;
        const v = ((r + (k & 2 ? 0.75 : 0.25)) / gridRows - 0.5) * h;
        const x = cx + u * cos - v * sin - 0.5, y = cy + u * sin + v * cos - 0.5;
        const ix = Math.max(0, Math.min(width - 2, Math.floor(x)));
        const iy = Math.max(0, Math.min(height - 2, Math.floor(y)));
        const fx = Math.max(0, Math.min(1, x - ix)), fy = Math.max(0, Math.min(1, y - iy));
        const o = iy * width + ix;
        acc += 255 - ((grey[o] * (1 - fx) + grey[o + 1] * fx) * (1 - fy) +
          (grey[o + width] * (1 - fx) + grey[o + width + 1] * fx) * fy);
      }
      sample[r * cols + c] = acc / 4;
    }
  }
  const like = new Float64Array(shapes.length).fill(-1);
  compare(sample, 0, cols, { cols, shapes }, like, false);
  return like;
}

function readDigit(s, angle, grey, width, height, digits) {
  const { chars } = digits;
  const like = likeness(s, angle, grey, width, height, digits);
  let digit = 0, score = -1, letter = -1;
  like.forEach((v, k) => {
    const ch = chars[k % chars.length];
    if (ch >= "0" && ch <= "9") {
      if (v > score) { score = v; digit = Number(ch); }
    } else if (!LOOK_ALIKES.includes(ch)) {
      letter = Math.max(letter, v);
    }
  });
  // a digit read surely is more like that digit than like any letter (but a digit's
  // look-alikes); a letter read surely is clearly more like a letter than like a digit
  return { digit, score, letterScore: letter, sure: score >= DIGIT_SURE && score > letter,
    letter: letter >= DIGIT_SURE && letter > score + LETTER_MARGIN, like: score >= DIGIT_LIKE };
}

function isDate(text) {
  // DDMMYYYY, a day that month can have, a year of the last or this century
  const day = Number(text.slice(0, 2)), month = Number(text.slice(2, 4));
  const year = Number(text.slice(4));
  return year >= 1900 && year < 2100 && month >= 1 && month <= 12 && day >= 1 &&
    day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function fromDocumentNumber(text, documentNumber) {
  // PART_LENGTH digits in a row of the document number (printed on the document too), its
  // letters a digit is taken for as that digit, one digit read wrong (a chance of 6 in 100000
  // for a BSN's digits)
  const number = [...documentNumber].map((ch) => TO_DIGIT[ch] || ch).join("");
  for (let i = 0; i + PART_LENGTH <= text.length; i++) {
    for (let j = 0; j + PART_LENGTH <= number.length; j++) {
      let wrong = 0;
      for (let k = 0; k < PART_LENGTH && wrong < 2; k++) wrong += text[i + k] !== number[j + k];
      if (wrong < 2) return true;
    }
  }
  return false;
}

/**
 * A BSN printed outside the MRZ's rows: "visible" (nine digits read surely that pass the
 * 11-test, with no sure digit right before or after them), "unsure" (nine specks in a row
 * that look like digits, not all read surely), or "none".
 */
export function printedBsn(view, rowsFound, mrzRows, digits, documentNumber = "") {
  const inMrz = new Set(mrzRows.flatMap((r) => r.specks));
  let unsure = false;
  for (const row of rowsFound) {
    if (row.specks.length < PART_LENGTH || row.specks.some((s) => inMrz.has(s))) continue;
    const angle = Math.atan(row.centre.b);
    const reads = row.specks.map((s) => readDigit(s, angle, view.grey, view.width, view.height,
      digits));
    // a date printed in digits (day, month, year): eight like digits whose digits are a date
    if (reads.length === DATE_LENGTH && reads.every((r) => r.like && !r.letter) &&
        isDate(reads.map((r) => r.digit).join(""))) continue;
    const sure = (i) => i >= 0 && i < reads.length && reads[i].sure;
    for (let i = 0; i + BSN_LENGTH <= reads.length; i++) {
      const window = reads.slice(i, i + BSN_LENGTH);
      const text = window.map((r) => r.digit).join("");
      if (fromDocumentNumber(text, documentNumber)) continue;
      const sureCount = window.filter((r) => r.sure).length;
      const likeCount = window.filter((r) => r.like).length;
      const noLetter = !window.some((r) => r.letter);
      // nine specks, none surely a letter, each at least a little like its digit and most of
      // them like it, whose digits pass the 11-test (a chance of 1 in 11 for nine that are
      // none; a date has its month's letters, a document number is the MRZ's)
      if (likeCount >= MOST_LIKE && window.every((r) => r.score >= DIGIT_SEEN &&
          r.letterScore - r.score < CLEAR_LETTER) &&
          !sure(i - 1) && !sure(i + BSN_LENGTH) && bsnIsValid(text)) return "visible";
      // nine specks, none a letter, all but UNREAD_DIGITS like digits
      if (sureCount < BSN_LENGTH && noLetter && likeCount >= BSN_LENGTH - UNREAD_DIGITS) {
        unsure = true;
      }
    }
    // a number whose row came apart (blurred digits run together): digits not read surely,
    // or sure digits in a row too short for a BSN that are not the document number's (which
    // the MRZ gives)
    for (let i = 0; i + PART_LENGTH <= reads.length; i++) {
      const window = reads.slice(i, i + PART_LENGTH);
      if (fromDocumentNumber(window.map((r) => r.digit).join(""), documentNumber)) continue;
      if (window.every((r) => r.like && !r.letter) && !window.every((r) => r.sure)) unsure = true;
      if (window.every((r) => r.sure) && reads.length < BSN_LENGTH) unsure = true;
    }
  }
  return unsure ? "unsure" : "none";
}

function documentView(view, block, layout) {
  // the document above its MRZ (the layout's height), turned by the MRZ's angle and scaled to
  // NORM_PITCH px per character pitch (bilinear; outside the copy: paper)
  const first = block.rows[0];
  const angle = Math.atan(first.centre.b);
  const ux = Math.cos(angle), uy = Math.sin(angle);
  const pitch = (first.x1 - first.x0) / (block.n - 1) / ux;
  const ox = first.x0, oy = first.centre.a + first.centre.b * first.x0;
  const u0 = -DOC_MARGIN, v0 = -layout.height - DOC_MARGIN;
  const width = Math.round((block.n - 1 + 2 * DOC_MARGIN) * NORM_PITCH);
  const height = Math.round((layout.height + DOC_MARGIN - 0.9) * NORM_PITCH);
  const grey = new Uint8ClampedArray(width * height);
  const { grey: src, width: sw, height: sh } = view;
  for (let j = 0; j < height; j++) {
    const v = (v0 + j / NORM_PITCH) * pitch;
    for (let i = 0; i < width; i++) {
      const u = (u0 + i / NORM_PITCH) * pitch;
      const x = ox + u * ux - v * uy, y = oy + u * uy + v * ux;
      const ix = Math.floor(x), iy = Math.floor(y);
      if (ix < 0 || iy < 0 || ix + 1 >= sw || iy + 1 >= sh) { grey[j * width + i] = 255; continue; }
      const fx = x - ix, fy = y - iy, o = iy * sw + ix;
      grey[j * width + i] = (src[o] * (1 - fx) + src[o + 1] * fx) * (1 - fy) +
        (src[o + sw] * (1 - fx) + src[o + sw + 1] * fx) * fy;
    }
  }
  return { grey, width, height, u0, v0 };
}

function inDoc(doc, box, grow = [0, 0, 0]) {
  // a box in pitches from the MRZ's first character (grown by [sideways, up, down]) as pixels
  // of the document view, within it
  const [gx, gu, gd] = grow;
  const px = (u) => Math.round((u - doc.u0) * NORM_PITCH);
  const py = (v) => Math.round((v - doc.v0) * NORM_PITCH);
  return { x0: Math.max(0, px(box[0] - gx)), y0: Math.max(0, py(box[1] - gu)),
    x1: Math.min(doc.width, px(box[2] + gx)), y1: Math.min(doc.height, py(box[3] + gd)) };
}

function pieces(mask, width, r, skip = null) {
  // 8-connected pieces of ink inside the box r (pixels where skip(x, y) left out): boxes and
  // areas
  return labelPieces(mask, width, mask.length / width, r, skip).pieces.map((p) => ({
    w: p.w, h: p.h, area: p.area, cx: (p.x0 + p.x1) / 2, cy: (p.y0 + p.y1) / 2 }));
}

function topEdge(doc, layout, u) {
  // the v (pitches from the MRZ) of the document's top edge on the copy at u, or null
  const [left, top, right] = layout.edges;
  const r = inDoc(doc, [left + 1, top * (1 + EDGE_SEARCH), right - 1, top * (1 - EDGE_SEARCH)]);
  const y0 = Math.max(2, r.y0), y1 = Math.min(doc.height - 3, r.y1);
  const band = Math.floor((r.x1 - r.x0) / EDGE_BANDS);
  if (y1 - y0 < 4 || band < 4) return null;
  let found = [];
  for (let b = 0; b < EDGE_BANDS; b++) {
    const x0 = r.x0 + b * band;
    for (let y = y0; y < y1; y++) {
      let jump = 0;
      for (let x = x0; x < x0 + band; x++) {
        jump += Math.abs(doc.grey[(y + 2) * doc.width + x] - doc.grey[(y - 2) * doc.width + x]);
      }
      if (jump >= EDGE_JUMP * band) { found.push([x0 + band / 2, y]); break; }
    }
  }
  while (found.length >= EDGE_AGREE) {
    const line = fit(found);
    const off = found.map(([x, y]) => Math.abs(y - line.a - line.b * x));
    const worst = off.indexOf(Math.max(...off));
    if (off[worst] <= EDGE_SPREAD * NORM_PITCH) {
      const x = (u - doc.u0) * NORM_PITCH;
      return doc.v0 + (line.a + line.b * x) / NORM_PITCH;
    }
    found = found.filter((_, i) => i !== worst);
  }
  return null;
}

function boxSums(bits, w, h) {
  // an integral image of a 0/1 image: the count in any box
  const w1 = w + 1, sum = new Int32Array(w1 * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += bits[y * w + x];
      sum[(y + 1) * w1 + x + 1] = sum[y * w1 + x + 1] + row;
    }
  }
  return (x0, y0, x1, y1) => {
    x0 = Math.max(0, x0); y0 = Math.max(0, y0); x1 = Math.min(w, x1); y1 = Math.min(h, y1);
    return x1 <= x0 || y1 <= y0 ? 0
      : sum[y1 * w1 + x1] - sum[y0 * w1 + x1] - sum[y1 * w1 + x0] + sum[y0 * w1 + x0];
  };
}

function barRegion(doc, dark, box, x0, x1, y) {
  // the bar through the dark run x0..x1 on row y: the dark pixels whose whole neighbourhood
  // (BAR_CORE px around) is dark too (print's strokes are thinner), joined to the run, grown by
  // BAR_EDGE (its own edge, however it lies); returns skip(x, y) for the pixels of the bar
  const w = box.x1 - box.x0, h = box.y1 - box.y0, c = BAR_CORE;
  const isDark = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      isDark[j * w + i] = doc.grey[(j + box.y0) * doc.width + i + box.x0] < dark;
    }
  }
  const darkIn = boxSums(isDark, w, h);
  const core = (i, j) => darkIn(i - c, j - c, i + c + 1, j + c + 1) === (2 * c + 1) ** 2;
  const region = new Uint8Array(w * h);
  const stack = [];
  for (let x = x0; x < x1; x++) {
    const i = x - box.x0, j = y - box.y0;
    if (i >= 0 && i < w && j >= 0 && j < h && core(i, j) && !region[j * w + i]) {
      region[j * w + i] = 1;
      stack.push(j * w + i);
    }
  }
  while (stack.length) {
    const p = stack.pop(), i = p % w, j = (p - i) / w;
    for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const ni = i + di, nj = j + dj;
      if (ni < 0 || nj < 0 || ni >= w || nj >= h || region[nj * w + ni] || !core(ni, nj)) continue;
      region[nj * w + ni] = 1;
      stack.push(nj * w + ni);
    }
  }
  const inBar = boxSums(region, w, h);
  const grow = c + Math.round(BAR_EDGE * NORM_PITCH);
  return (x, yy) => inBar(x - box.x0 - grow, yy - box.y0 - grow, x - box.x0 + grow + 1,
    yy - box.y0 + grow + 1) > 0;
}

function paperLevel(grey) {
  // the paper's level: the one PAPER_SHARE of the pixels are darker than (sampled)
  const levels = [];
  for (let i = 0; i < grey.length; i += 7) levels.push(grey[i]);
  levels.sort((a, b) => a - b);
  return levels[Math.floor(levels.length * PAPER_SHARE)];
}

function readsAs(word, label, doc, letters) {
  // each piece of the word at least LABEL_LIKE like its letter of the label (in either case,
  // in the label's fonts) and not LETTER_MARGIN more like any other character (but the digit
  // it is easily taken for: the word's other letters tell them apart); all but a
  // quarter of them (at least one) surely: LABEL_SURE, and more like it than like any other
  const { chars } = letters;
  let sure = 0;
  for (let i = 0; i < word.length; i++) {
    const like = likeness(word[i], 0, doc.grey, doc.width, doc.height, letters);
    const want = label[i].toLowerCase(), alike = TO_DIGIT[label[i].toUpperCase()];
    let own = -1, other = -1;
    like.forEach((v, k) => {
      const ch = chars[k % chars.length];
      if (ch.toLowerCase() === want) own = Math.max(own, v);
      else if (ch !== alike) other = Math.max(other, v);
    });
    if (own < LABEL_LIKE || own < other - LETTER_MARGIN) return false;
    sure += own >= LABEL_SURE && own > other;
  }
  return sure >= word.length - Math.max(1, Math.floor(word.length / 4));
}

function wordLike(run, doc, template) {
  // how like the template's word (its fonts) the run of pieces is, sampled over their box (-1
  // where the box's shape is not the word's)
  const x0 = run[0].x0, x1 = run[run.length - 1].x1;
  const y0 = Math.min(...run.map((p) => p.y0)), y1 = Math.max(...run.map((p) => p.y1));
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const { cols, rows, shapes, aspects } = template;
  if (!aspects.some((a) => Math.abs(w / h / a - 1) <= WORD_ASPECT)) return -1;
  const sample = new Float64Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let acc = 0, n = 0;
      for (let y = Math.floor(y0 + (r * h) / rows); y < y0 + ((r + 1) * h) / rows; y++) {
        for (let x = Math.floor(x0 + (c * w) / cols); x < x0 + ((c + 1) * w) / cols; x++) {
          acc += 255 - doc.grey[y * doc.width + x];
          n++;
        }
      }
      sample[r * cols + c] = n ? acc / n : 0;
    }
  }
  const like = new Float64Array(shapes.length).fill(-1);
  compare(sample, 0, cols, { cols, shapes }, like, false);
  return Math.max(...like);
}

/**
 * The personal number's label on the document, read in its small print: a short one
 * (LABEL_WORDS) letter by letter, standing on its own; a long one (mrz.json "words") as one
 * shape, its letters run together as small print's do. Returns its box (px of the document
 * view), its capitals' height and the word, or null.
 */
export function findLabel(doc, mask, shapes) {
  const small = labelPieces(mask, doc.width, doc.height).pieces.filter((p) =>
    p.h >= LABEL_MIN_H * NORM_PITCH && p.h <= LABEL_MAX_H * NORM_PITCH &&
    p.w <= RUN_WIDTH * p.h && p.area >= 0.12 * p.w * p.h).sort((a, b) => a.x0 - b.x0);
  // the next letter: on the same baseline, of a letter's height (a capital, a small letter)
  const next = (a) => small.find((b) => b.x0 > a.x1 &&
    b.x0 - a.x1 - 1 <= WORD_GAP * Math.min(a.h, b.h) &&
    Math.abs(b.y1 - a.y1) <= 0.15 * Math.max(a.h, b.h) && b.h >= 0.6 * a.h && b.h <= 1.6 * a.h);
  const nexts = new Map(small.map((p) => [p, next(p)]));
  const follows = new Set(nexts.values());
  const beside = (a, left) => small.some((b) => b !== a && Math.abs(b.y1 - a.y1) <= 0.3 * a.h &&
    (left ? a.x0 - b.x1 - 1 : b.x0 - a.x1 - 1) >= 0 &&
    (left ? a.x0 - b.x1 - 1 : b.x0 - a.x1 - 1) <= SPACE * a.h);
  const found = (run, word) => ({ x0: run[0].x0, x1: run[run.length - 1].x1,
    y0: Math.min(...run.map((p) => p.y0)), y1: Math.max(...run.map((p) => p.y1)),
    h: Math.max(...run.map((p) => p.h)), word });
  for (const first of small) {
    if (follows.has(first)) continue; // a word starts here
    const run = [first];
    for (let p = nexts.get(first); p; p = nexts.get(p)) run.push(p);
    for (const label of LABEL_WORDS) {
      const word = run.slice(0, label.length);
      if (word.length < label.length || word.some((p) => p.w > 1.3 * p.h)) continue;
      const last = word[word.length - 1];
      if (run.length > label.length || beside(first, true) || beside(last, false)) continue;
      if (readsAs(word, label, doc, shapes.letters)) return found(word, label);
    }
    for (const template of shapes.words || []) {
      if (wordLike(run, doc, template) >= WORD_LIKE) return found(run, template.word);
    }
  }
  return null;
}

/**
 * The personal number's place on the document (layout from mrz.json): "covered" where the
 * page sees a cover there (a bar, or the place blank under its label), "print" where other ink
 * lies there, "unseen" where the place is blank but its label is not where the layout puts it
 * (another layout: the number may be printed elsewhere). Measures only, nothing read.
 */
export function personalNumberPlace(doc, mask, layout, labelShapes = null) {
  // labelShapes: mrz.json's "letters" and "words"
  // under the label where it is read; else the layout stretched up or down to the document's
  // top edge as seen (none seen: as it is)
  const found = labelShapes ? findLabel(doc, inkMask(doc.grey, doc.width, doc.height,
    paperLevel(doc.grey)), labelShapes) : null;
  const edge = found ? null
    : topEdge(doc, layout, (layout.personal_number[0] + layout.personal_number[2]) / 2);
  const k = edge === null ? 1 : edge / layout.edges[1];
  const scaled = (b) => [b[0], b[1] * k, b[2], b[3] * k];
  const u = (x) => doc.u0 + x / NORM_PITCH, v = (y) => doc.v0 + y / NORM_PITCH;
  const place = found ? [u(found.x0), v(found.y1 + LABEL_TO_NUMBER[0] * found.h),
    u(found.x0) + NUMBER_REACH, v(found.y1 + LABEL_TO_NUMBER[1] * found.h)]
    : scaled(layout.personal_number);
  const r = inDoc(doc, place, PLACE_MARGIN);
  const around = inDoc(doc, place, [1.5, 1, 1]);
  if (r.x1 - r.x0 < NORM_PITCH || r.y1 - r.y0 < NORM_PITCH / 2) return { place: "unseen" };
  const levels = [];
  for (let y = around.y0; y < around.y1; y += 2) {
    for (let x = around.x0; x < around.x1; x += 2) levels.push(doc.grey[y * doc.width + x]);
  }
  levels.sort((a, b) => a - b);
  const dark = DARK * levels[Math.floor(levels.length * PAPER_SHARE)];
  // the bar: the longest run of columns dark on most of the middle half of the number's line
  const line = inDoc(doc, place);
  const mid0 = Math.round(line.y0 + (line.y1 - line.y0) / 4);
  const mid1 = Math.round(line.y1 - (line.y1 - line.y0) / 4);
  let run = 0, best = 0, bestEnd = 0;
  for (let x = r.x0; x < r.x1; x++) {
    let n = 0;
    for (let y = mid0; y < mid1; y++) n += doc.grey[y * doc.width + x] < dark;
    run = n >= BAR_ROWS * (mid1 - mid0) ? run + 1 : 0;
    if (run > best) { best = run; bestEnd = x + 1; }
  }
  const bar = best >= BAR_MIN * NORM_PITCH
    ? barRegion(doc, dark, around, bestEnd - best, bestEnd, Math.round((mid0 + mid1) / 2)) : null;
  // ink whose middle lies in the place (a label's letters reach down to it)
  const reach = inDoc(doc, place, [PLACE_MARGIN[0], 1, PLACE_MARGIN[2]]);
  const ink = pieces(mask, doc.width, reach, bar).filter((p) =>
    p.cx >= r.x0 && p.cx < r.x1 && p.cy >= r.y0 && p.cy < r.y1 &&
      p.area >= SPECK_AREA * NORM_PITCH ** 2 &&
      !(p.area <= EDGE_THIN * NORM_PITCH * Math.max(p.w, p.h) &&
        Math.max(p.w, p.h) >= EDGE_LONG * NORM_PITCH));
  const measures = { scale: +k.toFixed(3), bar: +(best / NORM_PITCH).toFixed(2), ink: ink.length,
    label: found ? found.word : null };
  if (ink.length) return { place: "print", ...measures };
  if (found) {
    // the number on the label's line, after it: after a short label (which stands on its
    // own) any letter-sized ink; after a long one (its translation may follow: "Persoonsnummer
    // / Personal No.") print larger than the label's
    const after = pieces(mask, doc.width, { x0: found.x1 + 1, y0: Math.round(found.y0 - found.h),
      x1: Math.round(found.x0 + NUMBER_REACH * NORM_PITCH), y1: Math.round(found.y1 + found.h / 2) })
      .filter((p) => p.cy - p.h / 2 < found.y1 && p.cy + p.h / 2 > found.y0 &&
        p.h > (found.word.length <= SHORT_LABEL ? LETTER_HIGH : VALUE_HIGH) * found.h);
    if (after.length) return { place: "print", after: after.length, ...measures };
    // a bar under the label, or nothing at all there
    return { place: "covered", ...measures };
  }
  if (bar) return { place: "covered", ...measures };
  // blank: covered only under its label (small print: the number itself, seen a line too high,
  // is no label)
  const labelBox = inDoc(doc, scaled(layout.personal_label), [0.5, 0.3, 0]);
  const letters = pieces(mask, doc.width, labelBox).filter((p) =>
    p.area >= SPECK_AREA * NORM_PITCH ** 2 && p.h >= 0.2 * NORM_PITCH && p.h <= NORM_PITCH &&
      p.w <= 1.5 * NORM_PITCH).map((p) => p.h).sort((a, b) => a - b);
  const high = letters.length ? letters[letters.length >> 1] / NORM_PITCH : 0;
  const label = letters.length >= LABEL_LETTERS && high < LABEL_HIGH;
  return { place: label ? "covered" : "unseen", letters: letters.length,
    labelHigh: +high.toFixed(2), ...measures };
}

const LINE_PAD = [0.6, 0.35]; // a line cut out for the recogniser: its height's share beside, above/below
const LINE_JOIN = 3; // rows on one line closer than so many heights are one line
const LINE_MAX = 40; // lines cut out at most (the document's rows, longest first)
const LINE_MIN_ASPECT = 3; // a line narrower than so many heights holds no nine digits

/**
 * The lines of print on the document view (its rows of specks; rows on one line close
 * together joined), cut out as grey images for the recogniser (controle-ocr.js).
 */
export function textLines(doc, docRows) {
  const boxes = docRows.map((r) => {
    const x0 = Math.min(...r.specks.map((s) => s.x0)), x1 = Math.max(...r.specks.map((s) => s.x1));
    const y0 = Math.min(...r.specks.map((s) => s.y0)), y1 = Math.max(...r.specks.map((s) => s.y1));
    return { x0, x1, y0, y1, h: r.h, n: r.specks.length };
  }).sort((a, b) => a.x0 - b.x0);
  const joined = [];
  for (const b of boxes) {
    const m = joined.find((o) => b.x0 > o.x0 && b.x0 - o.x1 < LINE_JOIN * o.h &&
      Math.abs((b.y0 + b.y1) / 2 - (o.y0 + o.y1) / 2) < 0.4 * o.h && b.h < 1.4 * o.h &&
      b.h > 0.7 * o.h);
    if (m) {
      Object.assign(m, { x1: Math.max(m.x1, b.x1), y0: Math.min(m.y0, b.y0),
        y1: Math.max(m.y1, b.y1), n: m.n + b.n });
    } else {
      joined.push({ ...b });
    }
  }
  // only lines wide enough for nine digits (the validator's NINE_DIGITS_MIN_ASPECT), most
  // characters first
  const wide = joined.filter((b) => b.x1 - b.x0 + 1 >= LINE_MIN_ASPECT * (b.y1 - b.y0 + 1));
  wide.sort((a, b) => b.n - a.n);
  return wide.slice(0, LINE_MAX).map((b) => {
    const h = b.y1 - b.y0 + 1;
    const x0 = Math.max(0, Math.round(b.x0 - LINE_PAD[0] * h));
    const x1 = Math.min(doc.width - 1, Math.round(b.x1 + LINE_PAD[0] * h));
    const y0 = Math.max(0, Math.round(b.y0 - LINE_PAD[1] * h));
    const y1 = Math.min(doc.height - 1, Math.round(b.y1 + LINE_PAD[1] * h));
    const width = x1 - x0 + 1, height = y1 - y0 + 1;
    const grey = new Uint8ClampedArray(width * height);
    for (let y = 0; y < height; y++) {
      grey.set(doc.grey.subarray((y0 + y) * doc.width + x0, (y0 + y) * doc.width + x1 + 1),
        y * width);
    }
    return { grey, width, height, box: [x0, y0, x1, y1] };
  });
}

function rotated(grey, width, height, quarter) {
  // the grey image turned by quarter * 90 degrees clockwise
  if (!quarter) return { grey, width, height };
  const w = quarter % 2 ? height : width, h = quarter % 2 ? width : height;
  const out = new Uint8ClampedArray(w * h);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let nx, ny;
      if (quarter === 1) { nx = height - 1 - y; ny = x; }
      else if (quarter === 2) { nx = width - 1 - x; ny = height - 1 - y; }
      else { nx = y; ny = width - 1 - x; }
      out[ny * w + nx] = grey[y * width + x];
    }
  }
  return { grey: out, width: w, height: h };
}

function straightened(view, rowsFound) {
  // the place around the long rows turned by their median slope and scaled to STRAIGHT_PITCH
  // px per character (bilinear; beyond the image: its edge), or null when they are straight
  // and large enough already
  const long = rowsFound.filter((r) => r.specks.length >= STRAIGHT_ROW);
  if (!long.length) return null;
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  const angle = Math.atan(median(long.map((r) => r.centre.b)));
  const pitch = median(long.map((r) => r.pitch)) / Math.cos(angle);
  const scale = Math.min(STRAIGHT_MAX_SCALE, Math.max(1, STRAIGHT_PITCH / pitch));
  if (Math.abs(angle) < STRAIGHT_ANGLE && scale < STRAIGHT_MIN_SCALE) return null;
  const xs = long.flatMap((r) => r.specks.flatMap((s) => [s.x0, s.x1]));
  const ys = long.flatMap((r) => r.specks.flatMap((s) => [s.y0, s.y1]));
  const reach = STRAIGHT_REACH * pitch;
  const x0 = Math.max(0, Math.min(...xs) - reach), x1 = Math.min(view.width, Math.max(...xs) + reach);
  const y0 = Math.max(0, Math.min(...ys) - reach), y1 = Math.min(view.height, Math.max(...ys) + reach);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const rw = x1 - x0, rh = y1 - y0;
  const width = Math.round((rw * Math.abs(cos) + rh * Math.abs(sin)) * scale);
  const height = Math.round((rw * Math.abs(sin) + rh * Math.abs(cos)) * scale);
  return turnedCut(view, [(x0 + x1) / 2, (y0 + y1) / 2], angle, scale,
    [-width / 2 / scale, -height / 2 / scale], width, height);
}

function turnedCut(view, [ox, oy], angle, scale, [u0, v0], width, height) {
  // width x height pixels of the view along the direction angle from (ox, oy), scale pixels to
  // one of the view, the first at (u0, v0) along and across (bilinear; beyond it: its edge)
  const { grey: src, width: sw, height: sh } = view;
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const grey = new Uint8ClampedArray(width * height);
  for (let j = 0; j < height; j++) {
    const v = v0 + j / scale;
    for (let i = 0; i < width; i++) {
      const u = u0 + i / scale;
      const x = Math.min(sw - 1.001, Math.max(0, ox + u * cos - v * sin));
      const y = Math.min(sh - 1.001, Math.max(0, oy + u * sin + v * cos));
      const ix = Math.floor(x), iy = Math.floor(y), fx = x - ix, fy = y - iy, o = iy * sw + ix;
      grey[j * width + i] = (src[o] * (1 - fx) + src[o + 1] * fx) * (1 - fy) +
        (src[o + sw] * (1 - fx) + src[o + sw + 1] * fx) * fy;
    }
  }
  return { grey, width, height };
}

function score(result) {
  return Object.values(result.checks).filter((s) => s === "ok").length -
    Object.values(result.checks).filter((s) => s === "fout").length;
}

/**
 * The MRZ on a page image ({grey, width, height}), or null when none is seen.
 * Returns {found: true, result, printed, place, placeMeasures} where result.valid says that
 * every check digit fits, printed whether a BSN is printed elsewhere on the page (see
 * printedBsn) and place whether the personal number's place is seen covered (see
 * personalNumberPlace; its measures, no reading, in placeMeasures).
 */
function readBlocks(view, shapes, tried) {
  // the MRZ blocks of a view read, each with its view (into tried); the rows found
  const specks = components(inkMask(view.grey, view.width, view.height), view.width, view.height);
  const rowsFound = mergeRows(rows(specks));
  for (const block of blocks(rowsFound)) {
    const lines = block.rows.map((r, i) => spell(
      readRow(r, block.n, view.grey, view.width, view.height, shapes),
      LAYOUTS[block.type][i], shapes.chars));
    const result = block.type === "TD1" ? parseTd1(lines) : parseTd3(lines);
    tried.push({ result, view, rowsFound, block });
    if (result.valid) break;
  }
  return rowsFound;
}

export function readMrz(img, shapes) {
  const tried = [];
  const valid = () => tried.some((t) => t.result.valid);
  for (const quarter of [0, 2, 1, 3]) {
    const view = rotated(img.grey, img.width, img.height, quarter);
    const rowsFound = readBlocks(view, shapes, tried);
    if (valid()) break;
    // a slanted or small MRZ (a phone photo of a card at an angle, a card small on the page)
    // is read again turned straight and enlarged around its rows
    const straight = straightened(view, rowsFound);
    if (straight) readBlocks(straight, shapes, tried);
    if (valid()) break;
  }
  if (!tried.length) return null;
  // best first: the most check digits that fit (the first found among equals)
  const ranked = tried.map((t, i) => [t, i])
    .sort((x, y) => score(y[0].result) - score(x[0].result) || x[1] - y[1]).map((x) => x[0]);
  const read = { found: true, ...described(ranked[0], shapes) };
  if (!ranked[0].result.valid) {
    // the blocks the recogniser may read again (controle-ocr.js withText), best first; what it
    // reads validly is described again (read.again is dropped there)
    read.again = ranked.slice(0, AGAIN_BLOCKS).flatMap((t) => [t, turnedOver(t)]).map((t) => ({
      type: t.block.type, rows: rowCrops(t.view, t.block), described: () => described(t, shapes) }));
  }
  return read;
}

function turnedOver({ result, view, rowsFound, block }) {
  // a block read in a view turned by half a turn: the view, its rows and the block turned back
  // (a block found upside down, which the shapes then misread, is read by the recogniser so)
  const { width: w, height: h } = view;
  const turned = new Map();
  const flip = (s) => {
    if (!turned.has(s)) {
      turned.set(s, { ...s, x0: w - 1 - s.x1, x1: w - 1 - s.x0, y0: h - 1 - s.y1, y1: h - 1 - s.y0,
        cx: w - 1 - s.cx, cy: h - 1 - s.cy });
    }
    return turned.get(s);
  };
  const back = (r) => describeRow(r.specks.map(flip).reverse());
  return { result, view: rotated(view.grey, w, h, 2), rowsFound: rowsFound.map(back),
    block: { ...block, rows: block.rows.map(back).reverse() } };
}

function described(best, shapes) {
  // the rest of the page in the MRZ's turn, and the document itself turned straight at one
  // size: is a BSN printed there?
  const onPage = printedBsn(best.view, best.rowsFound, best.block.rows, shapes.digits,
    best.result.number);
  const layout = shapes.documents[best.block.type];
  const doc = documentView(best.view, best.block, layout);
  const docMask = inkMask(doc.grey, doc.width, doc.height);
  const docRows = rows(components(docMask, doc.width, doc.height, true));
  const onDocument = printedBsn(doc, docRows, [], shapes.digits, best.result.number);
  const printed = [onPage, onDocument].includes("visible") ? "visible"
    : [onPage, onDocument].includes("unsure") ? "unsure" : "none";
  const { place, ...placeMeasures } = personalNumberPlace(doc, docMask, layout, shapes);
  return { result: best.result, printed, place, placeMeasures, lines: textLines(doc, docRows) };
}

function rowCrops(view, block) {
  // each MRZ row cut out along its line (bilinear), padded as textLines pads a line, for the
  // recogniser to read where the shapes' reading fails its check digits
  return block.rows.map((r) => {
    const angle = Math.atan(r.centre.b), cos = Math.cos(angle);
    const along = r.pitch / cos / 2 + LINE_PAD[0] * r.h, across = (0.5 + LINE_PAD[1]) * r.h;
    const width = Math.round((r.x1 - r.x0) / cos + 2 * along), height = Math.round(2 * across);
    return turnedCut(view, [r.x0, r.centre.a + r.centre.b * r.x0], angle, 1, [-along, -across],
      width, height);
  });
}

function lengthVariants(line, target) {
  // ways to bring a recognised row to target characters by adding or removing fillers (the
  // validator's _length_candidates): at the end, or in a run of fillers, longest run first
  line = line.slice(0, target + 8);
  const diff = target - line.length;
  if (!diff) return [line];
  const runs = [...line.matchAll(/<{2,}/g)].map((m) => [m.index, m.index + m[0].length])
    .sort((a, b) => (a[0] - a[1]) - (b[0] - b[1]));
  const out = [];
  if (diff > 0) {
    out.push(line + "<".repeat(diff));
    // the row's first letter lost (the recogniser drops a thin I at a line's edge): unknown
    if (diff === 1 && line[0] === "<") out.push("?" + line);
    for (const [, end] of runs) out.push(line.slice(0, end) + "<".repeat(diff) + line.slice(end));
  } else {
    if (/^<*$/.test(line.slice(target))) out.push(line.slice(0, target));
    for (const [start, end] of runs) {
      if (end - start > -diff) out.push(line.slice(0, end + diff) + line.slice(end));
    }
    out.push(line.slice(0, target));
  }
  return [...new Set(out.filter((v) => v.length === target))].slice(0, 6);
}

/**
 * The MRZ parsed from its rows as the recogniser read them (texts, top row first) for a
 * document of type ("TD1", "TD3"): upper case, no spaces, each row brought to its length, the
 * characters a field cannot hold taken for their look-alikes; the first valid reading, else null.
 */
export function parseRecognised(texts, type) {
  const layout = LAYOUTS[type];
  if (!layout || texts.length !== layout.length) return null;
  const variants = texts.map((t, i) => lengthVariants(
    t.toUpperCase().replace(/[\s.,'`·]/g, "").replace(/[«《]/g, "<<").replace(/[‹〈≤-]/g, "<"),
    layout[i].length).map((v) => [...v].map((ch, k) => {
    const kind = layout[i][k];
    return kind === "9" || (kind === "C" && ch !== "<") ? TO_DIGIT[ch] || ch
      : kind === "A" ? TO_ALPHA[ch] || ch : ch;
  }).join("")));
  // the names' row ends at a run of fillers: a speck read as a letter beyond it is a filler
  const names = type === "TD1" ? 2 : 0;
  variants[names] = variants[names].map((v) => v.replace(/<{3,}.*$/, (tail) => "<".repeat(tail.length)));
  const combos = variants.reduce((acc, vs) => acc.flatMap((a) => vs.map((v) => [...a, v])), [[]]);
  for (const lines of combos) {
    if (lines.some((l, i) => ![...l].every((ch, k) => (!i && !k && ch === "?") ||
      ALLOWED[layout[i][k]].test(ch)))) continue;
    const result = type === "TD1" ? parseTd1(lines) : parseTd3(lines);
    // no check digit covers the names: read so, a name that differs may be misread
    if (result.valid) return { ...result, recognised: true };
  }
  return null;
}
