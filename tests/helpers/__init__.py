"""The one home of what several test modules share (no test module imports another).

apps        the app under test: configuration, per-worker databases, schema, template cache
accounts    logging in (test client and browser), CSRF tokens, two-factor enrolment
factories   committed rows, test pictures, the movable clock, a query counter
pages       reading HTML as a browser would: elements, visible text, JSON-LD
forms       complete forms as the staff pages post them
contact     the contact form and stored contact messages
servers     free ports, the app over real HTTP, an SMTP server
browser     Chromium through Playwright
instances   more app instances with their own database (backup, export/import)
wordpress   WordPress export files
observatory the Mozilla Observatory's header scoring
"""
