"""Uploaded products move from the shared ``upload`` marketplace to their uploader's own.

A product only one client ever uploaded is moved whole (the row keeps its id, so its verdicts,
jobs and moderation cases follow). A product several clients pooled is split: each client's
submissions and the reviews they brought move to that client's own product, and each client's
upload jobs point at it; the pooled product stays on ``upload`` with its old verdicts, as
history. The split products have no verdict until their client uploads again (a migration does
not run the detector). Review ids another client had claimed first were never stored and cannot
be recovered here. Not reversible: the pooled state was the bug.
"""

from django.db import migrations

from reviewsec.catalog.marketplaces import UPLOAD, upload_marketplace_for


def scope_uploads(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Review = apps.get_model("catalog", "Review")
    Reviewer = apps.get_model("catalog", "Reviewer")
    ReviewSubmission = apps.get_model("catalog", "ReviewSubmission")
    UploadJob = apps.get_model("submissions", "UploadJob")
    for product in Product.objects.filter(marketplace=UPLOAD).iterator():
        clients = sorted(
            set(product.submissions.values_list("client_key", flat=True))
            | set(product.upload_jobs.values_list("client_key", flat=True))
        )
        if len(clients) == 1:
            target = upload_marketplace_for(clients[0])
            if Product.objects.filter(marketplace=target, asin=product.asin).exists():
                continue  # cannot happen before this migration; never merge if it did
            Product.objects.filter(id=product.id).update(marketplace=target)
            _move_reviews(Review, Reviewer, Review.objects.filter(product=product), target, None)
            continue
        for client_key in clients:
            target = upload_marketplace_for(client_key)
            scoped, _ = Product.objects.get_or_create(
                marketplace=target, asin=product.asin, defaults={"title": product.title}
            )
            submissions = ReviewSubmission.objects.filter(product=product, client_key=client_key)
            reviews = Review.objects.filter(product=product, submission__in=submissions)
            _move_reviews(Review, Reviewer, reviews, target, scoped)
            submissions.update(product=scoped)
            for job in UploadJob.objects.filter(client_key=client_key, products=product):
                job.products.remove(product)
                job.products.add(scoped)


def _move_reviews(Review, Reviewer, reviews, marketplace, product):
    """Give the reviews (and their reviewers, as new rows) the client's marketplace."""
    for review in reviews.select_related("reviewer").iterator():
        fields = {"marketplace": marketplace}
        if product is not None:
            fields["product"] = product
        if review.reviewer is not None:
            fields["reviewer"], _ = Reviewer.objects.get_or_create(
                marketplace=marketplace,
                profile_id=review.reviewer.profile_id,
                defaults={"display_name": review.reviewer.display_name},
            )
        Review.objects.filter(id=review.id).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_initial"),
        ("catalog", "0003_review_submissions"),
    ]

    operations = [migrations.RunPython(scope_uploads, migrations.RunPython.noop)]
