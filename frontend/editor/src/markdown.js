// The visual mode's document model and its two-way link with Markdown, the source of truth.
// Our own forms are kept exactly: a library image alone on its line,
// ![alt](image:ID "caption"), is a figure block; a story link is [text](article:ID); a link
// alone on its line stays alone (a link card on the site). What the visual mode does not
// model (tables, raw HTML) is kept as a "Markdown block", its source untouched.
import MarkdownIt from "markdown-it";
import { MarkdownParser, MarkdownSerializer, defaultMarkdownSerializer, schema as base } from "prosemirror-markdown";
import { Schema } from "prosemirror-model";

const IMAGE_REFERENCE = /^image:(\d{1,9})$/;

export const schema = new Schema({
  nodes: base.spec.nodes
    .addBefore("image", "story_image", {
      group: "block",
      atom: true,
      draggable: true,
      selectable: true,
      attrs: { id: { default: null }, alt: { default: "" }, caption: { default: "" }, upload: { default: null } },
      parseDOM: [{
        tag: "figure[data-pending-src]",
        getAttrs: (dom) => ({ alt: dom.getAttribute("data-alt") || "", upload: dom.getAttribute("data-pending-src") }),
      }, {
        tag: "figure[data-image-id]",
        getAttrs: (dom) => ({
          id: Number(dom.getAttribute("data-image-id")),
          alt: dom.getAttribute("data-alt") || "",
          caption: dom.getAttribute("data-caption") || "",
        }),
      }],
      toDOM: (node) => ["figure", { "data-image-id": node.attrs.id, "data-alt": node.attrs.alt, "data-caption": node.attrs.caption }],
    })
    .addBefore("image", "raw_block", {
      group: "block",
      content: "text*",
      marks: "",
      code: true,
      defining: true,
      parseDOM: [{ tag: "pre[data-markdown]", preserveWhitespace: "full" }],
      toDOM: () => ["pre", { "data-markdown": "", class: "visual-editor__raw" }, 0],
    }),
  marks: base.spec.marks.addBefore("code", "strike", {
    parseDOM: [{ tag: "s" }, { tag: "del" }, { tag: "strike" }, { style: "text-decoration=line-through" }],
    toDOM: () => ["s"],
  }),
});

// A markdown-it that reads like the server's (CommonMark, tables, strikethrough), with no
// typographer: the visual mode must not rewrite the writer's quotes.
function tokenizer() {
  const md = MarkdownIt("commonmark", { html: true, linkify: false, typographer: false })
    .enable(["table", "strikethrough"]);
  md.core.ruler.push("techpulse_blocks", (state) => {
    state.tokens = keepOurForms(state.tokens, state.src.split("\n"));
  });
  return md;
}

function keepOurForms(tokens, lines) {
  const out = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.level === 0 && (token.type === "table_open" || token.type === "html_block")) {
      let end = i;
      if (token.type === "table_open") while (tokens[end].type !== "table_close") end++;
      const raw = new token.constructor("raw_block", "pre", 0);
      raw.content = lines.slice(token.map[0], token.map[1]).join("\n").replace(/\n+$/, "");
      out.push(raw);
      i = end;
      continue;
    }
    if (token.type === "paragraph_open" && isLoneLibraryImage(tokens[i + 1])) {
      const image = tokens[i + 1].children[0];
      const figure = new token.constructor("story_image", "figure", 0);
      figure.attrs = [
        ["id", IMAGE_REFERENCE.exec(image.attrGet("src"))[1]],
        ["alt", image.children.map((child) => child.content).join("")],
        ["caption", image.attrGet("title") || ""],
      ];
      out.push(figure);
      i += 2;
      continue;
    }
    if (token.type === "inline" && token.children) {
      // Inline HTML (<kbd>, <br>) stays as the text the writer typed.
      token.children = token.children.map((child) => {
        if (child.type !== "html_inline") return child;
        const text = new child.constructor("text", "", 0);
        text.content = child.content;
        return text;
      });
    }
    out.push(token);
  }
  return out;
}

function isLoneLibraryImage(inline) {
  const children = (inline && inline.children) || [];
  return children.length === 1 && children[0].type === "image" && IMAGE_REFERENCE.test(children[0].attrGet("src"));
}

const attr = (token, name) => token.attrGet(name);

export const parser = new MarkdownParser(schema, tokenizer(), {
  blockquote: { block: "blockquote" },
  paragraph: { block: "paragraph" },
  list_item: { block: "list_item" },
  bullet_list: { block: "bullet_list", getAttrs: (_, tokens, i) => ({ tight: listIsTight(tokens, i) }) },
  ordered_list: {
    block: "ordered_list",
    getAttrs: (token, tokens, i) => ({ order: +attr(token, "start") || 1, tight: listIsTight(tokens, i) }),
  },
  heading: { block: "heading", getAttrs: (token) => ({ level: +token.tag.slice(1) }) },
  code_block: { block: "code_block", noCloseToken: true },
  fence: { block: "code_block", getAttrs: (token) => ({ params: token.info || "" }), noCloseToken: true },
  hr: { node: "horizontal_rule" },
  image: { node: "image", getAttrs: (token) => ({ src: attr(token, "src"), title: attr(token, "title") || null, alt: (token.children[0] && token.children[0].content) || null }) },
  hardbreak: { node: "hard_break" },
  story_image: { node: "story_image", getAttrs: (token) => ({ id: Number(attr(token, "id")), alt: attr(token, "alt"), caption: attr(token, "caption") }) },
  raw_block: { block: "raw_block", noCloseToken: true },
  em: { mark: "em" },
  strong: { mark: "strong" },
  s: { mark: "strike" },
  link: { mark: "link", getAttrs: (token) => ({ href: attr(token, "href"), title: attr(token, "title") || null }) },
  code_inline: { mark: "code", noCloseToken: true },
});

function listIsTight(tokens, i) {
  while (++i < tokens.length) if (tokens[i].type !== "list_item_open") return tokens[i].hidden;
  return false;
}

// The same escaping as story_image_reference() in techpulse/markup/media.py.
export function imageReference(id, alt, caption) {
  const cleanAlt = String(alt || "").replace(/\[/g, "(").replace(/\]/g, ")").split(/\s+/).filter(Boolean).join(" ");
  const cleanCaption = String(caption || "").replace(/"/g, "”").split(/\s+/).filter(Boolean).join(" ");
  return `![${cleanAlt}](image:${id}${cleanCaption ? ` "${cleanCaption}"` : ""})`;
}

export const serializer = new MarkdownSerializer({
  ...defaultMarkdownSerializer.nodes,
  bullet_list(state, node) {
    state.renderList(node, "  ", () => "- ");
  },
  story_image(state, node) {
    if (node.attrs.id) state.write(imageReference(node.attrs.id, node.attrs.alt, node.attrs.caption));
    state.closeBlock(node);
  },
  raw_block(state, node) {
    state.text(node.textContent, false);
    state.closeBlock(node);
  },
}, {
  ...defaultMarkdownSerializer.marks,
  strike: { open: "~~", close: "~~", mixable: true, expelEnclosingWhitespace: true },
});

export function toMarkdown(doc) {
  return serializer.serialize(doc, { tightLists: true });
}

export function fromMarkdown(text) {
  return parser.parse(text || "");
}
