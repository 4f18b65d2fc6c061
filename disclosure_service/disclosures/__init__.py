"""After the decision: the disclosure meeting, the confidentiality undertaking, telling the applicant, closing."""
