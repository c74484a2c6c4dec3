from django.apps import AppConfig


class GroupsConfig(AppConfig):
    """Collusion groups across products and sellers (issue 17): the scheduled graph-wide fit,
    the moderators' group queue, and what a product's verdict says about its reviewers' groups."""

    name = "reviewsec.groups"
    verbose_name = "Reviewer groups"

    def ready(self) -> None:
        # Imported once the app registry is ready: registers the tasks by name for beat and
        # the in-process beat of the embedded mode.
        from reviewsec.analyses import hooks
        from reviewsec.groups import tasks  # noqa: F401
        from reviewsec.groups.selectors import product_groups_for_analysis

        # A verdict says when the product's reviewers belong to a group, and counts them.
        hooks.on_product_groups(product_groups_for_analysis)
