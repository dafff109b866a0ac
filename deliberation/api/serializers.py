"""Plain dicts for the API, one function per resource, so pages and the API agree on shapes."""


def stakeholder_json(stakeholder) -> dict:
    return {"id": stakeholder.id, "key": stakeholder.key, "name": stakeholder.name}


def group_json(group) -> dict:
    return {"id": group.id, "slug": group.slug, "name": group.name, "public": group.public,
            "stakeholder_groups": [stakeholder_json(s) for s in group.stakeholder_groups]}


def document_json(document) -> dict:
    return {"id": document.id, "title": document.title, "working_group_id": document.working_group_id,
            "public": document.public, "current_version_id": document.current_version_id}


def version_summary_json(version) -> dict:
    return {"id": version.id, "number": version.number, "label": version.label, "status": version.status,
            "created_at": version.created_at.isoformat()}


def clause_json(clause) -> dict:
    return {"id": clause.id, "key": clause.key, "number": clause.number, "heading": clause.heading,
            "text": clause.text, "parent_id": clause.parent_id, "position": clause.position,
            "first_line": clause.first_line, "last_line": clause.last_line}
