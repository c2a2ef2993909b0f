// Markdown typed in the visual mode becomes formatting as you type: "## " a heading,
// "> " a quote, "- " or "* " a list, "1. " a numbered list, "```" a code block, "---" a
// divider, **bold**, *italic*, `code` and ~~struck~~.
import { InputRule, inputRules, textblockTypeInputRule, wrappingInputRule } from "prosemirror-inputrules";

function markRule(pattern, markType) {
  return new InputRule(pattern, (state, match, start, end) => {
    const text = match[2];
    if (!text) return null;
    const from = start + match[0].indexOf(match[1]);
    return state.tr
      .replaceWith(from, end, state.schema.text(text, [markType.create()]))
      .removeStoredMark(markType);
  });
}

export function markdownShortcuts(schema) {
  const { nodes, marks } = schema;
  return inputRules({
    rules: [
      textblockTypeInputRule(/^(#{2,4})\s$/, nodes.heading, (match) => ({ level: match[1].length })),
      textblockTypeInputRule(/^#\s$/, nodes.heading, { level: 2 }),  // the body's top level is ##
      wrappingInputRule(/^\s*>\s$/, nodes.blockquote),
      wrappingInputRule(/^\s*([-+*])\s$/, nodes.bullet_list),
      wrappingInputRule(/^(\d+)\.\s$/, nodes.ordered_list, (match) => ({ order: +match[1] }),
        (match, node) => node.childCount + node.attrs.order === +match[1]),
      textblockTypeInputRule(/^```$/, nodes.code_block),
      new InputRule(/^(?:---|\*\*\*|___)$/, (state, match, start, end) => {
        const $start = state.doc.resolve(start);
        if ($start.parent.type !== nodes.paragraph) return null;
        return state.tr.replaceRangeWith($start.before(), $start.after(), nodes.horizontal_rule.create());
      }),
      markRule(/(?:^|[^*])(\*\*([^*]+)\*\*)$/, marks.strong),
      markRule(/(?:^|[^*])(\*([^*\s][^*]*)\*)$/, marks.em),
      markRule(/(?:^|[^_])(_([^_\s][^_]*)_)$/, marks.em),
      markRule(/(?:^|[^`])(`([^`]+)`)$/, marks.code),
      markRule(/(?:^|[^~])(~~([^~]+)~~)$/, marks.strike),
    ],
  });
}
