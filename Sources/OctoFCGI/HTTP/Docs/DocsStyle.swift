/// The `/docs` stylesheet, inline: the page must work on hosts with no internet.
enum DocsStyle {
    static let css = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #dfe3ea; --code: #f5f7fa; --post: #0b7a4b; --get: #1d5fbf; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
        header { padding: 24px 40px; border-bottom: 1px solid var(--line); background: #fafbfc; }
        header h1 { margin: 0 0 4px; font-size: 26px; }
        header p { margin: 0; color: var(--muted); }
        main { max-width: 1100px; padding: 8px 40px 48px; }
        nav ul { list-style: none; padding: 0; margin: 16px 0; }
        nav li { margin: 4px 0; }
        a { color: var(--get); text-decoration: none; }
        a:hover { text-decoration: underline; }
        section.op { border: 1px solid var(--line); border-radius: 8px; margin: 24px 0; overflow: hidden; }
        section.op > h2 { margin: 0; padding: 12px 16px; font-size: 18px; background: #fafbfc; border-bottom: 1px solid var(--line); }
        section.op > div { padding: 4px 16px 12px; }
        h3 { font-size: 15px; margin: 16px 0 6px; }
        .method { display: inline-block; min-width: 56px; padding: 2px 8px; margin-right: 8px; border-radius: 4px; color: #fff;
          font: 600 13px/1.6 ui-monospace, SFMono-Regular, Menlo, monospace; text-align: center; text-transform: uppercase; }
        .method.post { background: var(--post); }
        .method.get { background: var(--get); }
        .path, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        .path { font-size: 16px; }
        .summary { color: var(--muted); font-weight: 400; margin-left: 8px; }
        code { background: var(--code); padding: 1px 4px; border-radius: 3px; font-size: 13px; }
        pre { background: #1f2430; color: #e6e9ef; padding: 12px 14px; border-radius: 6px; overflow-x: auto; font-size: 13px; }
        table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 14px; }
        th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
        th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        table.fields, table.errors { table-layout: fixed; }
        table.fields th:nth-child(1) { width: 20%; } table.fields th:nth-child(2) { width: 20%; }
        table.fields th:nth-child(3) { width: 11%; } table.fields th:nth-child(4) { width: 11%; }
        table.errors th:nth-child(1) { width: 12%; } table.errors th:nth-child(3) { width: 28%; }
        td code { overflow-wrap: anywhere; }
        td.name { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; white-space: nowrap; }
        .req { color: #b42318; font-size: 12px; font-weight: 600; }
        .opt { color: var(--muted); font-size: 12px; }
        .muted { color: var(--muted); }
        """
}
