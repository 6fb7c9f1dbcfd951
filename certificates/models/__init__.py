"""Certificate models.

Import rule: other code imports from ``certificates.models`` only. Inside the
package ``templates`` <- ``certificate`` <- ``jobs``.
"""

from .certificate import Certificate, CertificateStatus, RegistrationCounter
from .jobs import BulkIssueJob
from .templates import CertificateTemplate

__all__ = [
    "BulkIssueJob",
    "Certificate",
    "CertificateStatus",
    "CertificateTemplate",
    "RegistrationCounter",
]
