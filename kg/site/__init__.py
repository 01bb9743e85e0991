"""The browsable site: one page per minted resource, its data files, pictures, queries."""

from kg.site.build import SiteResult, build_site, render_site, update_site, write_site

__all__ = ["SiteResult", "build_site", "render_site", "update_site", "write_site"]
