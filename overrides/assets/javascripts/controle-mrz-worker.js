/*
  The MRZ reader (controle-mrz.js) in a Web Worker: the page stays responsive while an ID photo
  is read. It gets a page's grey pixels and the OCR-B shapes, and answers with what it read.
*/
import { readMrz } from "./controle-mrz.js";

self.onmessage = (event) => {
  const { id, grey, width, height, shapes } = event.data;
  try {
    self.postMessage({ id, read: readMrz({ grey, width, height }, shapes) });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
};
