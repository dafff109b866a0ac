"""Permission expectations for the public record: the record page, its printable form and Atom feed, the
exports (JSON, JSON-LD, CSV) and the chain's verification. Public documents are readable by everyone;
private ones answer 404 to anyone outside the group."""
from .test_permissions import PRIVATE_DOC, everyone


def expectations(app, w) -> dict:
    doc, private = w.document.id, w.private_document.id

    def both(path):
        return [("GET", path.format(doc), everyone(200)), ("GET", path.format(private), PRIVATE_DOC)]

    return {
        "record.show": both("/documents/{}/record"),
        "record.printable": both("/documents/{}/record/print"),
        "record.feed": both("/documents/{}/record.atom"),
        "api.document_record_json": both("/api/v1/documents/{}/record.json"),
        "api.document_annotations": both("/api/v1/documents/{}/annotations.jsonld"),
        "api.document_dispositions": both("/api/v1/documents/{}/dispositions.csv"),
        "api.verify_record": [("GET", "/api/v1/record/verify", everyone(200))],
    }
