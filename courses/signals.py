"""Signals other apps listen to. Certificates listen; courses never imports them.

``programme_completed`` is sent once per enrolment, after the transaction that
completed it commits, with ``sender=Enrolment`` and ``enrolment``, ``user`` and
``programme`` as arguments.
"""

from django.dispatch import Signal

programme_completed = Signal()
