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
        "api.record_checkpoint": [("GET", "/api/v1/record/checkpoint", everyone(200))],
        "api.record_key": [("GET", "/api/v1/record/key", everyone(200))],
        "api.record_entries_json": [("GET", "/api/v1/record/entries?start=0&end=1", everyone(200))],
        "api.record_inclusion_proof": [("GET", "/api/v1/record/proof/inclusion?index=0&size=1", everyone(200))],
        "api.record_consistency_proof": [("GET", "/api/v1/record/proof/consistency?from=1&to=2", everyone(200))],
        "api.record_verifier_script": [("GET", "/api/v1/record/verify_record.py", everyone(200))],
        "api.record_witnesses": [("GET", "/api/v1/record/witnesses", everyone(200))],
        # Signed by a witness, not by a person: the same for everyone, and nothing here is such a note.
        "api.report_witness_view": [("POST", "/api/v1/record/witnesses", everyone(400))],
    }
