"""The site's own GraphQL schema (strawberry), served at /graphql/."""

import strawberry

from blog.models import BlogPage


@strawberry.type
class BlogPost:
    title: str
    slug: str


@strawberry.type
class BlogQuery:
    @strawberry.field(description="The blog's published posts, newest first.")
    def blog_posts(self) -> list[BlogPost]:
        posts = BlogPage.objects.live().public().order_by("-first_published_at")
        return [BlogPost(title=post.title, slug=post.slug) for post in posts]


schema = strawberry.Schema(query=BlogQuery)
