"""The project kg works on: kg.toml read once into a frozen Project (kg.project.config), and
`kg init`, which creates a new one (kg.project.scaffold)."""

from kg.project.config import PROJECT_ENV, PROJECT_FILE, Agent, Project, find_project_root, open_project, read_project

__all__ = ["PROJECT_ENV", "PROJECT_FILE", "Agent", "Project", "find_project_root", "open_project", "read_project"]
