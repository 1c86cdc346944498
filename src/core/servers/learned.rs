//! What a server turned out to reject, learned from its refusals and remembered per
//! endpoint, and the facts kept with it (its model list, how its token counts compare).
