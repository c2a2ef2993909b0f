// Text pasted from Google Docs, Word or a web page becomes clean Markdown: headings, bold,
// italic, links, lists, quotes, code and tables survive; styles, classes, spans, fonts and
// tracking wrappers do not (the schema keeps only what it knows). Pictures inside the pasted
// HTML are never fetched from their site: embedded ones (data: URLs) wait in the story for
// their alt text and go into our library; linked ones are left out, and the writer is told.
import { DOMParser as SchemaParser } from "prosemirror-model";
import { schema, toMarkdown } from "./markdown.js";

const DROP = "style, script, meta, link, title, xml, o\\:p, noscript, iframe, object, embed, svg";

export function cleanPastedHTML(html, say) {
  const doc = new window.DOMParser().parseFromString(html, "text/html");
  doc.querySelectorAll(DROP).forEach((node) => node.remove());
  // Word's list paragraphs are known by their style, which styleToTags() removes: mark them.
  doc.querySelectorAll("p").forEach((p) => {
    if (/mso-list/i.test(p.getAttribute("style") || "") || /MsoListParagraph/i.test(p.className)) {
      p.setAttribute("data-word-list", "");
    }
  });
  doc.querySelectorAll("span[style*='mso-list:Ignore' i]").forEach((span) => span.remove());
  styleToTags(doc);
  wordListsToLists(doc);
  doc.querySelectorAll("table").forEach((table) => {
    const pre = doc.createElement("pre");
    pre.setAttribute("data-markdown", "");
    pre.textContent = tableMarkdown(table);
    table.replaceWith(pre);
  });
  let leftOut = 0;
  doc.querySelectorAll("img").forEach((img) => {
    const src = img.getAttribute("src") || "";
    if (/^data:image\/(png|jpe?g|gif|webp);base64,/i.test(src)) {
      const figure = doc.createElement("figure");
      figure.setAttribute("data-pending-src", src);
      figure.setAttribute("data-alt", img.getAttribute("alt") || "");
      img.replaceWith(figure);
    } else {
      leftOut++;
      img.remove();
    }
  });
  // A list whose items are one paragraph each is a tight list ("- a" lines, no blank lines).
  doc.querySelectorAll("ul, ol").forEach((list) => {
    const items = [...list.children].filter((child) => child.tagName === "LI");
    if (items.every((li) => li.querySelectorAll(":scope > p").length <= 1)) list.setAttribute("data-tight", "");
  });
  // Headings of a pasted document start at "##": the page title is the only top heading.
  doc.querySelectorAll("h1").forEach((h1) => renameTo(doc, h1, "h2"));
  if (leftOut) {
    say(`${leftOut === 1 ? "A picture" : leftOut + " pictures"} in the pasted text ` +
      `${leftOut === 1 ? "was" : "were"} left out (they live on another site): save ` +
      `${leftOut === 1 ? "it" : "them"} and drop the file${leftOut === 1 ? "" : "s"} into the story.`);
  }
  return doc.body.innerHTML;
}

// Bold, italic and struck text written as styles (Google Docs, Word) becomes <strong>, <em>
// and <s>; then every span, font and style-only wrapper goes, with every attribute but the
// few the schema reads (href, src, alt, title, start).
const KEEP = new Set(["href", "src", "alt", "title", "start", "data-markdown", "data-pending-src", "data-alt", "data-word-list", "data-tight"]);

// Read from the attribute's text: the staff pages' Content-Security-Policy keeps the browser
// from parsing inline styles, so element.style is empty there.
function styleOf(element, property) {
  const found = new RegExp("(?:^|;)\\s*" + property + "\\s*:\\s*([^;]+)", "i").exec(element.getAttribute("style") || "");
  return found ? found[1].trim().toLowerCase() : "";
}

function styleToTags(doc) {
  for (const element of [...doc.body.querySelectorAll("[style]")]) {
    const weight = styleOf(element, "font-weight");
    const bold = weight === "bold" || weight === "bolder" || Number(weight) >= 600;
    const plain = weight === "normal" || (Number(weight) > 0 && Number(weight) < 600);
    if (/^(B|STRONG)$/.test(element.tagName) && plain) unwrap(element);
    if (!/^(SPAN|FONT)$/.test(element.tagName)) continue;
    let inner = element;
    if (bold) inner = wrapContents(doc, inner, "strong");
    if (styleOf(element, "font-style") === "italic") inner = wrapContents(doc, inner, "em");
    if (/line-through/.test(styleOf(element, "text-decoration") + styleOf(element, "text-decoration-line"))) {
      wrapContents(doc, inner, "s");
    }
  }
  doc.body.querySelectorAll("span, font").forEach(unwrap);
  for (const element of doc.body.querySelectorAll("*")) {
    for (const name of element.getAttributeNames()) if (!KEEP.has(name)) element.removeAttribute(name);
  }
}

function wrapContents(doc, element, tag) {
  const wrapper = doc.createElement(tag);
  while (element.firstChild) wrapper.appendChild(element.firstChild);
  element.appendChild(wrapper);
  return wrapper;
}

function unwrap(element) {
  element.replaceWith(...element.childNodes);
}

function renameTo(doc, element, tag) {
  const renamed = doc.createElement(tag);
  while (element.firstChild) renamed.appendChild(element.firstChild);
  element.replaceWith(renamed);
}

// Word writes list items as paragraphs styled "mso-list"; gather runs of them into a list.
const WORD_MARKER = /^\s*([0-9]+[.)]|[a-z][.)]|[·•o§▪\-–])\s+/i;

function wordListsToLists(doc) {
  const items = [...doc.querySelectorAll("p")].filter((p) => p.hasAttribute("data-word-list"));
  let list = null;
  for (const p of items) {
    const marker = (p.textContent || "").match(WORD_MARKER);
    if (!list || list.nextElementSibling !== p) {
      list = doc.createElement(marker && /^[0-9a-z]/i.test(marker[1]) && marker[1] !== "o" ? "ol" : "ul");
      p.before(list);
    }
    const li = doc.createElement("li");
    while (p.firstChild) li.appendChild(p.firstChild);
    const first = li.firstChild;
    if (first && first.nodeType === 3) first.textContent = first.textContent.replace(WORD_MARKER, "");
    list.appendChild(li);
    p.remove();
  }
}

function cellText(cell) {
  return (cell.textContent || "").replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");
}

export function tableMarkdown(table) {
  const rows = [...table.querySelectorAll("tr")].map((row) => [...row.children].map(cellText));
  if (!rows.length) return "";
  const width = Math.max(...rows.map((row) => row.length));
  const line = (cells) => "| " + Array.from({ length: width }, (_, i) => cells[i] || "").join(" | ") + " |";
  return [line(rows[0]), line(Array(width).fill("---")), ...rows.slice(1).map(line)].join("\n");
}

export function markdownFromHTML(html) {
  // Parsed in an inert document: nothing in it loads or runs.
  const inert = document.implementation.createHTMLDocument("");
  inert.body.innerHTML = html;
  const doc = SchemaParser.fromSchema(schema).parse(inert.body);
  return toMarkdown(doc).trim();
}
