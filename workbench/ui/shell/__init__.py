"""The window's frame: the launcher, the main window and its menus, the shared session, the task runner, start-up and settings dialogs, error reporting."""
