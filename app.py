"""Start the web chat: ``python app.py`` serves it on ASSISTANT_HOST:ASSISTANT_PORT.

The defaults are 127.0.0.1:7860.

Settings come from ``ASSISTANT_*`` environment variables; the index must have been built
(``python -m assistant index``). All logic lives in assistant/web.py.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def main() -> int:
    from assistant.errors import AssistantError
    from assistant.settings import Settings
    from assistant.web import load_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Gradio's own startup probes
    try:
        settings = Settings.from_env()
        demo = load_app(settings)
    except AssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    # A service manager stops the app with SIGTERM: shut down as on Ctrl-C, so temporary files
    # (briefings, table exports, Gradio's copies) are removed.
    signal.signal(signal.SIGTERM, _interrupt)
    demo.launch(server_name=settings.host, server_port=settings.port)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
