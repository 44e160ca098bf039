"""The training process: the window's commands in, the engine's messages out.

- `commands.py`: every command the window can send (frozen dataclasses);
- `messages.py`: every message the process sends back;
- `client.py`: `TrainingProcess`, the window's handle (spawn, send, poll), torch-free;
- `service.py`: `TrainingService`, what runs in the child, dispatching commands by type;
- `model_work.py`, `snapshots.py`, `projects.py`, `outbox.py`: the service's parts.
"""
