/*
  The MRZ reader (controle-mrz.js) in a Web Worker: the page stays responsive while an ID photo
  is read. It gets a page's grey pixels and the OCR-B shapes, and answers with what it read;
  with vendor (the browser parts' folder), the document's lines of print read by the
  validator's recogniser too (controle-ocr.js, withText). Or it gets lines ({grey, width,
  height}: a light value's box) and answers with what the recogniser reads in each: the
  recogniser is loaded once, here, for the ID copy and the light values alike.
*/
import { readMrz } from "./controle-mrz.js";
import { readLines, recogniser, withText } from "./controle-ocr.js";

self.onmessage = async (event) => {
  const { id, grey, width, height, shapes, vendor, warm, lines } = event.data;
  if (warm) { // an ID copy is coming: load the recogniser meanwhile (its failure shows later)
    recogniser(vendor).catch(() => {});
    return;
  }
  if (lines) {
    readLines(lines, vendor).then((texts) => self.postMessage({ id, texts }),
      (error) => self.postMessage({ id, error: String(error) }));
    return;
  }
  try {
    const read = readMrz({ grey, width, height }, shapes);
    if (read && vendor) await withText(read, vendor);
    if (read) delete read.again; // functions: not sent
    self.postMessage({ id, read });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
};
