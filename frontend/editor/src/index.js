// The staff editor's visual mode: ProseMirror on top of the Markdown <textarea name="body">.
// The textarea stays the source of truth and the only thing the form posts: every change in
// the visual mode is written back to it as Markdown (and an "input" event tells editor.js to
// autosave), and an untouched story is never rewritten. Without this script the textarea
// works exactly as before.
import { baseKeymap, chainCommands, exitCode, setBlockType, toggleMark, wrapIn } from "prosemirror-commands";
import { dropCursor } from "prosemirror-dropcursor";
import { gapCursor } from "prosemirror-gapcursor";
import { history, redo, undo } from "prosemirror-history";
import { keymap } from "prosemirror-keymap";
import { EditorState } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { liftListItem, sinkListItem, splitListItem, wrapInList } from "prosemirror-schema-list";
import { fromMarkdown, schema, toMarkdown } from "./markdown.js";
import { markdownShortcuts } from "./shortcuts.js";
import { cleanPastedHTML, markdownFromHTML } from "./paste.js";
import { FigureView, Uploads } from "./figures.js";
import { SlashMenu, slashMenuPlugin } from "./slash.js";
import { Toolbar } from "./toolbar.js";
import { askForLink, askForStory } from "./dialogs.js";

const MODE_KEY = "techpulse:editor-mode";
const SYNC_MS = 150;

function mount(textarea) {
  const form = textarea.form;
  const field = textarea.closest(".field") || textarea.parentElement;
  const data = Object.assign({}, form.dataset, textarea.dataset);
  const label = field.querySelector("label[for='" + textarea.id + "']");
  const labelText = label ? label.textContent : "";
  const wrapper = document.createElement("div");
  wrapper.className = "visual-editor";
  textarea.insertAdjacentElement("beforebegin", wrapper);
  wrapper.appendChild(textarea);

  const notices = document.createElement("p");
  notices.className = "visual-editor__notice";
  notices.id = textarea.id + "-visual-notice";
  notices.setAttribute("role", "status");
  notices.hidden = true;
  const say = (text) => { notices.textContent = text; notices.hidden = !text; };

  const uploads = new Uploads(data, say);
  const commands = editorCommands(uploads, data, textarea);
  const menu = new SlashMenu(commands, textarea.id);
  let view = null;
  let syncTimer = null;
  let lastMarkdown = textarea.value;

  function state(text) {
    return EditorState.create({
      doc: fromMarkdown(text),
      plugins: [
        markdownShortcuts(schema),
        slashMenuPlugin(menu),
        keymap(editingKeys()),
        keymap(baseKeymap),
        history(),
        dropCursor(),
        gapCursor(),
      ],
    });
  }

  function sync() {
    clearTimeout(syncTimer);
    syncTimer = null;
    if (!view || !view.dirty) return;
    view.dirty = false;
    const markdown = toMarkdown(view.state.doc);
    if (markdown === lastMarkdown) return;
    textarea.value = lastMarkdown = markdown;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  const surface = document.createElement("div");
  surface.className = "visual-editor__surface";
  view = new EditorView(surface, {
    state: state(textarea.value),
    attributes: {
      class: "prose visual-editor__text",
      role: "textbox",
      "aria-multiline": "true",
      "aria-label": (labelText ? labelText.replace(/\s*\(Markdown\)\s*/, "") : "Story") + " (visual)",
      "aria-describedby": notices.id,
      "aria-controls": menu.element.id,
      spellcheck: "true",
    },
    nodeViews: { story_image: (node, v, getPos) => new FigureView(node, v, getPos, uploads) },
    transformPastedHTML: (html) => cleanPastedHTML(html, say),
    handlePaste: (v, event) => uploads.pasteFiles(v, event),
    handleDrop: (v, event) => uploads.dropFiles(v, event),
    dispatchTransaction(transaction) {
      const next = view.state.apply(transaction);
      view.updateState(next);
      if (transaction.docChanged) {
        view.dirty = true;
        if (!syncTimer) syncTimer = setTimeout(sync, SYNC_MS);
      }
      toolbar.update(view);
      menu.update(view);
    },
  });
  view.dirty = false;
  uploads.view = view;

  const toolbar = new Toolbar(commands, () => view, setMode);
  wrapper.insertBefore(toolbar.element, textarea);
  wrapper.insertBefore(surface, textarea);
  wrapper.insertBefore(notices, textarea);
  surface.appendChild(menu.element);
  menu.attach(view);

  // Markdown mode: text pasted from a web page, Google Docs or Word arrives as Markdown too.
  textarea.addEventListener("paste", (event) => {
    const html = event.clipboardData && event.clipboardData.getData("text/html");
    if (!html) return;
    event.preventDefault();
    const markdown = markdownFromHTML(cleanPastedHTML(html, say));
    textarea.setRangeText(markdown, textarea.selectionStart, textarea.selectionEnd, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  });
  // editor.js (library picker, Markdown-mode uploads) asks to insert Markdown at the cursor.
  textarea.addEventListener("editor:insert", (event) => {
    if (wrapper.dataset.mode !== "visual") return;
    event.preventDefault();
    const slice = fromMarkdown(event.detail.markdown).content;
    view.dispatch(view.state.tr.replaceSelectionWith(slice.firstChild).scrollIntoView());
    if (event.detail.src) uploads.sources[slice.firstChild.attrs.id] = event.detail.src;
    view.focus();
  });
  // editor.js put other text into the textarea (a restored draft): show it.
  textarea.addEventListener("editor:reload", () => {
    if (wrapper.dataset.mode === "visual") setMode("visual", false);
  });
  form.addEventListener("submit", sync, true);  // before editor.js reads the form
  window.addEventListener("pagehide", sync);

  function setMode(mode, focus) {
    if (mode === "visual") {
      if (textarea.value !== lastMarkdown || wrapper.dataset.mode !== "visual") {
        lastMarkdown = textarea.value;
        view.updateState(state(textarea.value));
        view.dirty = false;
      }
    } else {
      sync();
    }
    wrapper.dataset.mode = mode;
    surface.hidden = mode !== "visual";
    textarea.hidden = mode === "visual";
    field.classList.toggle("field--visual", mode === "visual");
    // The label names the Markdown text box; in the visual mode it reads "Story".
    if (label) label.textContent = mode === "visual" ? labelText.replace(/\s*\(Markdown\)\s*/, "") : labelText;
    toolbar.setMode(mode);
    try { localStorage.setItem(MODE_KEY, mode); } catch (error) { /* private mode */ }
    if (focus) (mode === "visual" ? view : textarea).focus();
  }

  const remembered = (() => { try { return localStorage.getItem(MODE_KEY); } catch (e) { return null; } })();
  setMode(remembered === "markdown" ? "markdown" : "visual", false);
  return view;
}

function editingKeys() {
  const item = schema.nodes.list_item;
  const hardBreak = chainCommands(exitCode, (state, dispatch) => {
    if (dispatch) dispatch(state.tr.replaceSelectionWith(schema.nodes.hard_break.create()).scrollIntoView());
    return true;
  });
  return {
    "Mod-z": undo, "Shift-Mod-z": redo, "Mod-y": redo,
    "Mod-b": toggleMark(schema.marks.strong), "Mod-i": toggleMark(schema.marks.em),
    "Mod-`": toggleMark(schema.marks.code),
    "Enter": splitListItem(item), "Mod-[": liftListItem(item), "Mod-]": sinkListItem(item),
    "Shift-Tab": liftListItem(item),
    "Shift-Enter": hardBreak, "Mod-Enter": hardBreak,
  };
}

// Every command the toolbar and the "/" menu offer: [name, label, command(view)].
function editorCommands(uploads, data, textarea) {
  const run = (command) => (view) => { command(view.state, view.dispatch, view); view.focus(); };
  const insert = (nodeFactory) => (view) => {
    view.dispatch(view.state.tr.replaceSelectionWith(nodeFactory()).scrollIntoView());
    view.focus();
  };
  const paragraphWithLink = (href, text) => schema.nodes.paragraph.create(
    null, schema.text(text || href, [schema.marks.link.create({ href })]));
  return [
    { name: "heading", label: "Heading", keys: "## ", run: run(setBlockType(schema.nodes.heading, { level: 2 })) },
    { name: "subheading", label: "Subheading", keys: "### ", run: run(setBlockType(schema.nodes.heading, { level: 3 })) },
    { name: "paragraph", label: "Paragraph", run: run(setBlockType(schema.nodes.paragraph)) },
    { name: "bold", label: "Bold", keys: "Ctrl+B", mark: "strong", inline: true, run: run(toggleMark(schema.marks.strong)) },
    { name: "italic", label: "Italic", keys: "Ctrl+I", mark: "em", inline: true, run: run(toggleMark(schema.marks.em)) },
    { name: "link", label: "Link", mark: "link", inline: true, run: (view) => askForLink(view, schema) },
    { name: "quote", label: "Quote", keys: "> ", run: run(wrapIn(schema.nodes.blockquote)) },
    { name: "list", label: "Bulleted list", toolbarLabel: "List", keys: "- ", run: run(wrapInList(schema.nodes.bullet_list)) },
    { name: "numbered", label: "Numbered list", toolbarLabel: "1. List", keys: "1. ", run: run(wrapInList(schema.nodes.ordered_list)) },
    { name: "code", label: "Code block", toolbarLabel: "Code", keys: "```", run: run(setBlockType(schema.nodes.code_block)) },
    { name: "divider", label: "Divider", keys: "---", run: insert(() => schema.nodes.horizontal_rule.create()) },
    { name: "image", label: "Image: upload", toolbarLabel: "Image", run: (view) => uploads.choose(view) },
    { name: "library", label: "Image from the library", toolbarLabel: "Library", run: () => openLibrary(textarea) },
    { name: "card", label: "Link card (YouTube, Vimeo, X, LinkedIn)", toolbarLabel: "Link card", run: (view) =>
      askForLink(view, schema, { card: true, insert: (href) => insert(() => paragraphWithLink(href))(view) }) },
    { name: "story", label: "Link to a story", toolbarLabel: "Story link", run: (view) => askForStory(view, schema, data.storySearchUrl) },
  ];
}

function openLibrary(textarea) {
  const library = textarea.form.querySelector(".story-images__library");
  if (!library) return;
  library.open = true;
  library.scrollIntoView({ block: "center" });
  const first = library.querySelector("button");
  if (first) first.focus();
}

function start() {
  document.querySelectorAll("textarea[data-visual-editor]").forEach(mount);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
