// Stands in for the `entities` package inside markdown-it (see build.mjs): the browser
// decodes a character reference itself. A <textarea> parses its content as text (RCDATA),
// so nothing in the string can run or load.
const box = document.createElement("textarea");

export function decodeHTML(text) {
  box.innerHTML = text;
  return box.value;
}

export const decodeHTMLStrict = decodeHTML;
