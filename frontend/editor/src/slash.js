// The "/" menu: type "/" at the start of an empty line and a list of blocks opens; typing
// filters it, ↑/↓ move, Enter or Tab chooses, Escape closes. The text box keeps focus and
// names the highlighted option (aria-activedescendant), so screen readers follow along.
import { Plugin } from "prosemirror-state";

export class SlashMenu {
  constructor(commands, baseId) {
    this.commands = commands;
    this.element = document.createElement("div");
    this.element.id = baseId + "-slash-menu";
    this.element.className = "visual-editor__menu";
    this.element.setAttribute("role", "listbox");
    this.element.setAttribute("aria-label", "Insert a block");
    this.element.hidden = true;
    this.items = [];
    this.active = 0;
    this.query = null;
    this.dismissedAt = null;
  }

  attach(view) {
    this.view = view;
    this.element.addEventListener("mousedown", (event) => {
      const option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault();
      this.choose(Number(option.dataset.index));
    });
  }

  typed(state) {
    const { $from, empty } = state.selection;
    if (!empty || $from.parent.type.name !== "paragraph") return null;
    const before = $from.parent.textBetween(0, $from.parentOffset, "\n", "\n");
    const match = /^\/([\p{L}\p{N} ]{0,30})$/u.exec(before);
    return match ? { text: match[1].toLowerCase(), from: $from.start(), to: $from.pos } : null;
  }

  update(view) {
    const found = this.typed(view.state);
    if (!found || this.dismissedAt === found.from + ":" + found.text) return this.close();
    this.dismissedAt = null;
    this.query = found;
    this.items = this.commands.filter((command) => command.label.toLowerCase().includes(found.text.trim()));
    if (!this.items.length) return this.close();
    this.active = Math.min(this.active, this.items.length - 1);
    this.render(view);
  }

  render(view) {
    this.element.textContent = "";
    this.items.forEach((command, index) => {
      const option = document.createElement("div");
      option.id = this.element.id + "-" + command.name;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", String(index === this.active));
      option.dataset.index = String(index);
      option.className = "visual-editor__option";
      option.textContent = command.label;
      if (command.keys) {
        const keys = document.createElement("kbd");
        keys.textContent = command.keys;
        option.append(" ", keys);
      }
      this.element.appendChild(option);
    });
    const coords = view.coordsAtPos(this.query.to);
    const box = this.element.parentElement.getBoundingClientRect();
    this.element.style.top = coords.bottom - box.top + 4 + "px";
    this.element.style.left = Math.max(0, coords.left - box.left) + "px";
    this.element.hidden = false;
    view.dom.setAttribute("aria-activedescendant", this.element.id + "-" + this.items[this.active].name);
  }

  close() {
    if (this.element.hidden) return;
    this.element.hidden = true;
    this.active = 0;
    if (this.view) {
      this.view.dom.removeAttribute("aria-activedescendant");
    }
  }

  keydown(view, event) {
    if (this.element.hidden) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.items.length) % this.items.length;
      this.render(view);
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      this.choose(this.active);
      return true;
    }
    if (event.key === "Escape") {
      this.dismissedAt = this.query.from + ":" + this.query.text;
      this.close();
      return true;
    }
    return false;
  }

  choose(index) {
    const command = this.items[index];
    const view = this.view;
    const { from, to } = this.query;
    this.close();
    view.dispatch(view.state.tr.delete(from, to));
    command.run(view);
  }
}

export function slashMenuPlugin(menu) {
  return new Plugin({ props: { handleKeyDown: (view, event) => menu.keydown(view, event) } });
}
