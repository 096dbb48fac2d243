/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Login($identifier: String!, $password: String!) {\n    login(identifier: $identifier, password: $password) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        role\n        residentId\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Refresh {\n    refreshToken {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        role\n        residentId\n      }\n    }\n  }\n": typeof types.RefreshDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  query Announcements {\n    announcements(first: 50) {\n      nodes {\n        id\n        title\n        body\n        audience\n        publishAt\n        scheduled\n        archived\n      }\n    }\n  }\n": typeof types.AnnouncementsDocument,
    "\n  subscription AnnouncementLive {\n    announcementPublished {\n      id\n      title\n    }\n  }\n": typeof types.AnnouncementLiveDocument,
    "\n  query Blocks {\n    blocks {\n      id\n      name\n    }\n  }\n": typeof types.BlocksDocument,
    "\n  query UnitSearch($search: String) {\n    units(first: 10, filter: { search: $search }) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.UnitSearchDocument,
    "\n  query ResidentSearch($search: String) {\n    residents(first: 10, filter: { search: $search }) {\n      nodes {\n        id\n        fullName\n      }\n    }\n  }\n": typeof types.ResidentSearchDocument,
    "\n  mutation PublishAnnouncement($input: PublishAnnouncementInput!) {\n    publishAnnouncement(input: $input) {\n      id\n    }\n  }\n": typeof types.PublishAnnouncementDocument,
    "\n  mutation ArchiveAnnouncement($id: ID!) {\n    archiveAnnouncement(id: $id) {\n      id\n      archived\n    }\n  }\n": typeof types.ArchiveAnnouncementDocument,
    "\n  query BillDetail($id: ID!) {\n    bill(id: $id) {\n      id\n      period\n      dueOn\n      status\n      subtotal\n      ppn\n      lateFee\n      total\n      paid\n      outstanding\n      voidReason\n      unit {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n      items {\n        id\n        kind\n        description\n        quantity\n        unitPrice\n        amount\n        ppnRateBp\n        ppn\n      }\n      payments {\n        id\n        method\n        amount\n        reference\n        paidAt\n        refunded\n      }\n    }\n  }\n": typeof types.BillDetailDocument,
    "\n  subscription BillLive($id: ID!) {\n    billUpdated(id: $id) {\n      id\n      status\n      total\n      paid\n      outstanding\n    }\n  }\n": typeof types.BillLiveDocument,
    "\n  mutation Pay($billId: ID!) {\n    createPayment(billId: $billId) {\n      orderId\n      redirectUrl\n    }\n  }\n": typeof types.PayDocument,
    "\n  mutation RecordPayment($input: RecordPaymentInput!) {\n    recordPayment(input: $input) {\n      id\n      amount\n    }\n  }\n": typeof types.RecordPaymentDocument,
    "\n  query Bills($filter: BillFilter, $first: Int!, $after: String) {\n    bills(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        period\n        dueOn\n        status\n        total\n        outstanding\n        unit {\n          id\n          number\n          block {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.BillsDocument,
    "\n  query Facilities {\n    facilities {\n      id\n      name\n      description\n      kind\n      capacity\n      pricing\n      rate\n      deposit\n      needsApproval\n    }\n  }\n": typeof types.FacilitiesDocument,
    "\n  query Facility($id: ID!) {\n    facility(id: $id) {\n      id\n      name\n      description\n      rules\n      kind\n      capacity\n      pricing\n      rate\n      deposit\n      needsApproval\n      slotMinutes\n      minMinutes\n      maxMinutes\n      bookAheadDays\n      cancellationDeadlineHours\n    }\n    units(first: 20) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.FacilityDocument,
    "\n  query Availability($facilityId: ID!, $from: NaiveDate!, $to: NaiveDate!) {\n    availability(facilityId: $facilityId, from: $from, to: $to) {\n      startsAt\n      endsAt\n      remaining\n      available\n    }\n  }\n": typeof types.AvailabilityDocument,
    "\n  subscription AvailabilityLive($facilityId: ID!, $date: NaiveDate!) {\n    facilityAvailability(facilityId: $facilityId, date: $date) {\n      startsAt\n      endsAt\n      remaining\n      available\n    }\n  }\n": typeof types.AvailabilityLiveDocument,
    "\n  query QuoteBooking($input: BookingInput!) {\n    quoteBooking(input: $input) {\n      lines {\n        description\n        quantity\n        amount\n        ppn\n      }\n      total\n      deposit\n      amountDue\n    }\n  }\n": typeof types.QuoteBookingDocument,
    "\n  fragment BookingFields on Booking {\n    id\n    startsAt\n    endsAt\n    partySize\n    status\n    total\n    deposit\n    amountDue\n    refundDue\n    reason\n    note\n    holdExpiresAt\n    facility {\n      id\n      name\n    }\n    unit {\n      id\n      number\n      block {\n        id\n        name\n      }\n    }\n  }\n": typeof types.BookingFieldsFragmentDoc,
    "\n  query Bookings($filter: BookingFilterInput!) {\n    bookings(filter: $filter) {\n      ...BookingFields\n    }\n  }\n": typeof types.BookingsDocument,
    "\n  mutation CreateBooking($input: BookingInput!) {\n    createBooking(input: $input) {\n      ...BookingFields\n    }\n  }\n": typeof types.CreateBookingDocument,
    "\n  mutation CancelBooking($id: ID!, $reason: String) {\n    cancelBooking(id: $id, reason: $reason) {\n      ...BookingFields\n    }\n  }\n": typeof types.CancelBookingDocument,
    "\n  mutation PayBooking($bookingId: ID!) {\n    payBooking(bookingId: $bookingId) {\n      orderId\n      redirectUrl\n    }\n  }\n": typeof types.PayBookingDocument,
    "\n  subscription BookingLive($id: ID!) {\n    bookingUpdated(id: $id) {\n      id\n      status\n      amountDue\n      paid\n      refundDue\n      reason\n      holdExpiresAt\n    }\n  }\n": typeof types.BookingLiveDocument,
    "\n  mutation CheckInBooking($id: ID!) {\n    checkInBooking(id: $id) {\n      ...BookingFields\n    }\n  }\n": typeof types.CheckInBookingDocument,
    "\n  mutation RotateCalendarFeed {\n    rotateCalendarFeed {\n      path\n    }\n  }\n": typeof types.RotateCalendarFeedDocument,
    "\n  mutation RevokeCalendarFeed {\n    revokeCalendarFeed\n  }\n": typeof types.RevokeCalendarFeedDocument,
    "\n  query Complaints($filter: ComplaintFilterInput, $first: Int!) {\n    complaints(filter: $filter, first: $first) {\n      nodes {\n        id\n        title\n        category\n        priority\n        status\n        slaBreached\n        dueAt\n        createdAt\n        assignee {\n          id\n          displayName\n        }\n        unit {\n          id\n          number\n        }\n      }\n    }\n  }\n": typeof types.ComplaintsDocument,
    "\n  query ComplaintCountersNow {\n    complaintCounters {\n      open\n      inProgress\n      overdue\n      resolvedToday\n    }\n  }\n": typeof types.ComplaintCountersNowDocument,
    "\n  subscription ComplaintCountersLive {\n    complaintCounters {\n      open\n      inProgress\n      overdue\n      resolvedToday\n    }\n  }\n": typeof types.ComplaintCountersLiveDocument,
    "\n  query Complaint($id: ID!) {\n    complaint(id: $id) {\n      id\n      title\n      description\n      category\n      priority\n      status\n      nextStatuses\n      slaBreached\n      dueAt\n      resolvedAt\n      closedAt\n      createdAt\n      updatedAt\n      resident {\n        id\n        fullName\n      }\n      unit {\n        id\n        number\n      }\n      assignee {\n        id\n        displayName\n      }\n      comments {\n        id\n        body\n        internal\n        createdAt\n        author {\n          id\n          displayName\n          role\n        }\n      }\n    }\n  }\n": typeof types.ComplaintDocument,
    "\n  subscription ComplaintLive($id: ID!) {\n    complaintUpdated(id: $id) {\n      id\n      status\n      priority\n      assigneeName\n      updatedAt\n      slaBreached\n    }\n  }\n": typeof types.ComplaintLiveDocument,
    "\n  mutation FileComplaint($input: FileComplaintInput!) {\n    fileComplaint(input: $input) {\n      id\n    }\n  }\n": typeof types.FileComplaintDocument,
    "\n  mutation MoveComplaint($id: ID!, $status: ComplaintStatus!) {\n    updateComplaintStatus(id: $id, status: $status) {\n      id\n      status\n      nextStatuses\n      resolvedAt\n      closedAt\n      updatedAt\n    }\n  }\n": typeof types.MoveComplaintDocument,
    "\n  mutation CommentComplaint($id: ID!, $body: String!, $internal: Boolean!) {\n    addComplaintComment(id: $id, body: $body, internal: $internal) {\n      id\n    }\n  }\n": typeof types.CommentComplaintDocument,
    "\n  mutation AssignComplaint($id: ID!, $userId: ID) {\n    assignComplaint(id: $id, userId: $userId) {\n      id\n      assignee {\n        id\n        displayName\n      }\n    }\n  }\n": typeof types.AssignComplaintDocument,
    "\n  query Staff {\n    staff {\n      id\n      displayName\n      role\n    }\n  }\n": typeof types.StaffDocument,
    "\n  query HouseholdUnits {\n    units(first: 20) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.HouseholdUnitsDocument,
    "\n  query Polls {\n    polls(first: 50) {\n      nodes {\n        id\n        title\n        isOpen\n        closesAt\n        myVote\n        tally {\n          pollId\n          total\n          closed\n          hidden\n        }\n      }\n    }\n  }\n": typeof types.PollsDocument,
    "\n  query Poll($id: ID!) {\n    poll(id: $id) {\n      id\n      title\n      description\n      eligibility\n      ballot\n      hideResultsUntilClose\n      opensAt\n      closesAt\n      isOpen\n      myVote\n      options {\n        id\n        position\n        label\n      }\n      tally {\n        pollId\n        total\n        closed\n        hidden\n        results {\n          optionId\n          label\n          votes\n        }\n      }\n    }\n  }\n": typeof types.PollDocument,
    "\n  subscription TallyLive($pollId: ID!) {\n    voteTally(pollId: $pollId) {\n      pollId\n      total\n      closed\n      hidden\n      results {\n        optionId\n        label\n        votes\n      }\n    }\n  }\n": typeof types.TallyLiveDocument,
    "\n  mutation CastVote($pollId: ID!, $optionId: ID!) {\n    castVote(pollId: $pollId, optionId: $optionId) {\n      pollId\n      total\n      closed\n      hidden\n      results {\n        optionId\n        label\n        votes\n      }\n    }\n  }\n": typeof types.CastVoteDocument,
    "\n  mutation ClosePoll($id: ID!) {\n    closePoll(id: $id) {\n      id\n      isOpen\n    }\n  }\n": typeof types.ClosePollDocument,
    "\n  mutation CreatePoll($input: CreatePollInput!) {\n    createPoll(input: $input) {\n      id\n    }\n  }\n": typeof types.CreatePollDocument,
    "\n  mutation GenerateBills($period: String!) {\n    generateMonthlyBills(period: $period) {\n      id\n      status\n      progress\n    }\n  }\n": typeof types.GenerateBillsDocument,
    "\n  query Job($id: ID!) {\n    job(id: $id) {\n      id\n      kind\n      status\n      attempts\n      lastError\n      progress\n      done\n      total\n    }\n  }\n": typeof types.JobDocument,
    "\n  query ExportBills($period: String!, $format: ExportFormat!) {\n    exportBills(period: $period, format: $format) {\n      filename\n      contentType\n      base64\n    }\n  }\n": typeof types.ExportBillsDocument,
    "\n  query Tariffs {\n    tariffs(includeInactive: true) {\n      id\n      name\n      kind\n      rate\n      ppnRateBp\n      unitType\n      active\n    }\n  }\n": typeof types.TariffsDocument,
    "\n  mutation CreateTariff($input: TariffInput!) {\n    createTariff(input: $input)\n  }\n": typeof types.CreateTariffDocument,
    "\n  mutation ApproveBooking($id: ID!) {\n    approveBooking(id: $id) {\n      ...BookingFields\n    }\n  }\n": typeof types.ApproveBookingDocument,
    "\n  mutation RejectBooking($id: ID!, $reason: String!) {\n    rejectBooking(id: $id, reason: $reason) {\n      ...BookingFields\n    }\n  }\n": typeof types.RejectBookingDocument,
    "\n  query CollectionReports($p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!, $p6: String!) {\n    r1: collectionReport(period: $p1) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r2: collectionReport(period: $p2) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r3: collectionReport(period: $p3) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r4: collectionReport(period: $p4) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r5: collectionReport(period: $p5) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r6: collectionReport(period: $p6) {\n      period\n      billed\n      collected\n      collectionRate\n      bills\n      arrears {\n        current\n        days1To30\n        days31To60\n        days61To90\n        over90Days\n      }\n    }\n  }\n": typeof types.CollectionReportsDocument,
    "\n  subscription CollectionLive($period: String!) {\n    collectionCounters(period: $period) {\n      period\n      bills\n      billed\n      collected\n      collectionRate\n    }\n  }\n": typeof types.CollectionLiveDocument,
    "\n  query Units($search: String, $after: String) {\n    units(first: 25, after: $after, filter: { search: $search }) {\n      nodes {\n        id\n        number\n        type\n        areaM2\n        archived\n        block {\n          id\n          name\n        }\n        residents {\n          id\n          fullName\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n    blocks {\n      id\n      name\n    }\n  }\n": typeof types.UnitsDocument,
    "\n  query Residents($search: String, $after: String) {\n    residents(first: 25, after: $after, filter: { search: $search }) {\n      nodes {\n        id\n        fullName\n        phone\n        email\n        archived\n        units {\n          id\n          number\n          block {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ResidentsDocument,
    "\n  mutation CreateUnit($input: CreateUnitInput!) {\n    createUnit(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateUnitDocument,
    "\n  mutation ArchiveUnit($id: ID!) {\n    archiveUnit(id: $id) {\n      id\n      archived\n    }\n  }\n": typeof types.ArchiveUnitDocument,
    "\n  mutation CreateResident($input: ResidentInput!) {\n    createResident(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateResidentDocument,
    "\n  mutation ArchiveResident($id: ID!) {\n    archiveResident(id: $id) {\n      id\n      archived\n    }\n  }\n": typeof types.ArchiveResidentDocument,
    "\n  mutation LinkResident($input: LinkResidentInput!) {\n    linkResident(input: $input) {\n      id\n    }\n  }\n": typeof types.LinkResidentDocument,
    "\n  query Sla {\n    complaintSla {\n      priority\n      hours\n    }\n  }\n": typeof types.SlaDocument,
    "\n  mutation SetSla($priority: ComplaintPriority!, $hours: Int!) {\n    setComplaintSla(priority: $priority, hours: $hours) {\n      priority\n      hours\n    }\n  }\n": typeof types.SetSlaDocument,
    "\n  query BillingSettings {\n    billingSettings {\n      billingDay\n      dueDay\n      lateFeeKind\n      lateFeeValue\n    }\n  }\n": typeof types.BillingSettingsDocument,
    "\n  mutation UpdateBillingSettings($input: BillingSettingsInput!) {\n    updateBillingSettings(input: $input)\n  }\n": typeof types.UpdateBillingSettingsDocument,
    "\n  query ResidentHome($from: DateTime!, $to: DateTime!) {\n    bills(first: 50) {\n      nodes {\n        id\n        period\n        dueOn\n        status\n        total\n        outstanding\n        unit {\n          id\n          number\n        }\n      }\n    }\n    complaints(first: 20) {\n      nodes {\n        id\n        title\n        status\n        createdAt\n      }\n    }\n    bookings(filter: { from: $from, to: $to, status: [PENDING_PAYMENT, PENDING_APPROVAL, CONFIRMED, CHECKED_IN] }) {\n      id\n      startsAt\n      endsAt\n      status\n      facility {\n        id\n        name\n      }\n    }\n    announcements(first: 3) {\n      nodes {\n        id\n        title\n        body\n        publishAt\n      }\n    }\n  }\n": typeof types.ResidentHomeDocument,
    "\n  query Profile($residentId: ID!) {\n    resident(id: $residentId) {\n      id\n      fullName\n      phone\n      email\n      units {\n        id\n        number\n        type\n        block {\n          id\n          name\n        }\n        occupancies {\n          id\n          relation\n          resident {\n            id\n            fullName\n          }\n        }\n      }\n    }\n  }\n": typeof types.ProfileDocument,
    "\n  query Tenant {\n    tenant {\n      displayName\n      timeZone\n    }\n  }\n": typeof types.TenantDocument,
};
const documents: Documents = {
    "\n  mutation Login($identifier: String!, $password: String!) {\n    login(identifier: $identifier, password: $password) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        role\n        residentId\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Refresh {\n    refreshToken {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        role\n        residentId\n      }\n    }\n  }\n": types.RefreshDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  query Announcements {\n    announcements(first: 50) {\n      nodes {\n        id\n        title\n        body\n        audience\n        publishAt\n        scheduled\n        archived\n      }\n    }\n  }\n": types.AnnouncementsDocument,
    "\n  subscription AnnouncementLive {\n    announcementPublished {\n      id\n      title\n    }\n  }\n": types.AnnouncementLiveDocument,
    "\n  query Blocks {\n    blocks {\n      id\n      name\n    }\n  }\n": types.BlocksDocument,
    "\n  query UnitSearch($search: String) {\n    units(first: 10, filter: { search: $search }) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.UnitSearchDocument,
    "\n  query ResidentSearch($search: String) {\n    residents(first: 10, filter: { search: $search }) {\n      nodes {\n        id\n        fullName\n      }\n    }\n  }\n": types.ResidentSearchDocument,
    "\n  mutation PublishAnnouncement($input: PublishAnnouncementInput!) {\n    publishAnnouncement(input: $input) {\n      id\n    }\n  }\n": types.PublishAnnouncementDocument,
    "\n  mutation ArchiveAnnouncement($id: ID!) {\n    archiveAnnouncement(id: $id) {\n      id\n      archived\n    }\n  }\n": types.ArchiveAnnouncementDocument,
    "\n  query BillDetail($id: ID!) {\n    bill(id: $id) {\n      id\n      period\n      dueOn\n      status\n      subtotal\n      ppn\n      lateFee\n      total\n      paid\n      outstanding\n      voidReason\n      unit {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n      items {\n        id\n        kind\n        description\n        quantity\n        unitPrice\n        amount\n        ppnRateBp\n        ppn\n      }\n      payments {\n        id\n        method\n        amount\n        reference\n        paidAt\n        refunded\n      }\n    }\n  }\n": types.BillDetailDocument,
    "\n  subscription BillLive($id: ID!) {\n    billUpdated(id: $id) {\n      id\n      status\n      total\n      paid\n      outstanding\n    }\n  }\n": types.BillLiveDocument,
    "\n  mutation Pay($billId: ID!) {\n    createPayment(billId: $billId) {\n      orderId\n      redirectUrl\n    }\n  }\n": types.PayDocument,
    "\n  mutation RecordPayment($input: RecordPaymentInput!) {\n    recordPayment(input: $input) {\n      id\n      amount\n    }\n  }\n": types.RecordPaymentDocument,
    "\n  query Bills($filter: BillFilter, $first: Int!, $after: String) {\n    bills(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        period\n        dueOn\n        status\n        total\n        outstanding\n        unit {\n          id\n          number\n          block {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.BillsDocument,
    "\n  query Facilities {\n    facilities {\n      id\n      name\n      description\n      kind\n      capacity\n      pricing\n      rate\n      deposit\n      needsApproval\n    }\n  }\n": types.FacilitiesDocument,
    "\n  query Facility($id: ID!) {\n    facility(id: $id) {\n      id\n      name\n      description\n      rules\n      kind\n      capacity\n      pricing\n      rate\n      deposit\n      needsApproval\n      slotMinutes\n      minMinutes\n      maxMinutes\n      bookAheadDays\n      cancellationDeadlineHours\n    }\n    units(first: 20) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.FacilityDocument,
    "\n  query Availability($facilityId: ID!, $from: NaiveDate!, $to: NaiveDate!) {\n    availability(facilityId: $facilityId, from: $from, to: $to) {\n      startsAt\n      endsAt\n      remaining\n      available\n    }\n  }\n": types.AvailabilityDocument,
    "\n  subscription AvailabilityLive($facilityId: ID!, $date: NaiveDate!) {\n    facilityAvailability(facilityId: $facilityId, date: $date) {\n      startsAt\n      endsAt\n      remaining\n      available\n    }\n  }\n": types.AvailabilityLiveDocument,
    "\n  query QuoteBooking($input: BookingInput!) {\n    quoteBooking(input: $input) {\n      lines {\n        description\n        quantity\n        amount\n        ppn\n      }\n      total\n      deposit\n      amountDue\n    }\n  }\n": types.QuoteBookingDocument,
    "\n  fragment BookingFields on Booking {\n    id\n    startsAt\n    endsAt\n    partySize\n    status\n    total\n    deposit\n    amountDue\n    refundDue\n    reason\n    note\n    holdExpiresAt\n    facility {\n      id\n      name\n    }\n    unit {\n      id\n      number\n      block {\n        id\n        name\n      }\n    }\n  }\n": types.BookingFieldsFragmentDoc,
    "\n  query Bookings($filter: BookingFilterInput!) {\n    bookings(filter: $filter) {\n      ...BookingFields\n    }\n  }\n": types.BookingsDocument,
    "\n  mutation CreateBooking($input: BookingInput!) {\n    createBooking(input: $input) {\n      ...BookingFields\n    }\n  }\n": types.CreateBookingDocument,
    "\n  mutation CancelBooking($id: ID!, $reason: String) {\n    cancelBooking(id: $id, reason: $reason) {\n      ...BookingFields\n    }\n  }\n": types.CancelBookingDocument,
    "\n  mutation PayBooking($bookingId: ID!) {\n    payBooking(bookingId: $bookingId) {\n      orderId\n      redirectUrl\n    }\n  }\n": types.PayBookingDocument,
    "\n  subscription BookingLive($id: ID!) {\n    bookingUpdated(id: $id) {\n      id\n      status\n      amountDue\n      paid\n      refundDue\n      reason\n      holdExpiresAt\n    }\n  }\n": types.BookingLiveDocument,
    "\n  mutation CheckInBooking($id: ID!) {\n    checkInBooking(id: $id) {\n      ...BookingFields\n    }\n  }\n": types.CheckInBookingDocument,
    "\n  mutation RotateCalendarFeed {\n    rotateCalendarFeed {\n      path\n    }\n  }\n": types.RotateCalendarFeedDocument,
    "\n  mutation RevokeCalendarFeed {\n    revokeCalendarFeed\n  }\n": types.RevokeCalendarFeedDocument,
    "\n  query Complaints($filter: ComplaintFilterInput, $first: Int!) {\n    complaints(filter: $filter, first: $first) {\n      nodes {\n        id\n        title\n        category\n        priority\n        status\n        slaBreached\n        dueAt\n        createdAt\n        assignee {\n          id\n          displayName\n        }\n        unit {\n          id\n          number\n        }\n      }\n    }\n  }\n": types.ComplaintsDocument,
    "\n  query ComplaintCountersNow {\n    complaintCounters {\n      open\n      inProgress\n      overdue\n      resolvedToday\n    }\n  }\n": types.ComplaintCountersNowDocument,
    "\n  subscription ComplaintCountersLive {\n    complaintCounters {\n      open\n      inProgress\n      overdue\n      resolvedToday\n    }\n  }\n": types.ComplaintCountersLiveDocument,
    "\n  query Complaint($id: ID!) {\n    complaint(id: $id) {\n      id\n      title\n      description\n      category\n      priority\n      status\n      nextStatuses\n      slaBreached\n      dueAt\n      resolvedAt\n      closedAt\n      createdAt\n      updatedAt\n      resident {\n        id\n        fullName\n      }\n      unit {\n        id\n        number\n      }\n      assignee {\n        id\n        displayName\n      }\n      comments {\n        id\n        body\n        internal\n        createdAt\n        author {\n          id\n          displayName\n          role\n        }\n      }\n    }\n  }\n": types.ComplaintDocument,
    "\n  subscription ComplaintLive($id: ID!) {\n    complaintUpdated(id: $id) {\n      id\n      status\n      priority\n      assigneeName\n      updatedAt\n      slaBreached\n    }\n  }\n": types.ComplaintLiveDocument,
    "\n  mutation FileComplaint($input: FileComplaintInput!) {\n    fileComplaint(input: $input) {\n      id\n    }\n  }\n": types.FileComplaintDocument,
    "\n  mutation MoveComplaint($id: ID!, $status: ComplaintStatus!) {\n    updateComplaintStatus(id: $id, status: $status) {\n      id\n      status\n      nextStatuses\n      resolvedAt\n      closedAt\n      updatedAt\n    }\n  }\n": types.MoveComplaintDocument,
    "\n  mutation CommentComplaint($id: ID!, $body: String!, $internal: Boolean!) {\n    addComplaintComment(id: $id, body: $body, internal: $internal) {\n      id\n    }\n  }\n": types.CommentComplaintDocument,
    "\n  mutation AssignComplaint($id: ID!, $userId: ID) {\n    assignComplaint(id: $id, userId: $userId) {\n      id\n      assignee {\n        id\n        displayName\n      }\n    }\n  }\n": types.AssignComplaintDocument,
    "\n  query Staff {\n    staff {\n      id\n      displayName\n      role\n    }\n  }\n": types.StaffDocument,
    "\n  query HouseholdUnits {\n    units(first: 20) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.HouseholdUnitsDocument,
    "\n  query Polls {\n    polls(first: 50) {\n      nodes {\n        id\n        title\n        isOpen\n        closesAt\n        myVote\n        tally {\n          pollId\n          total\n          closed\n          hidden\n        }\n      }\n    }\n  }\n": types.PollsDocument,
    "\n  query Poll($id: ID!) {\n    poll(id: $id) {\n      id\n      title\n      description\n      eligibility\n      ballot\n      hideResultsUntilClose\n      opensAt\n      closesAt\n      isOpen\n      myVote\n      options {\n        id\n        position\n        label\n      }\n      tally {\n        pollId\n        total\n        closed\n        hidden\n        results {\n          optionId\n          label\n          votes\n        }\n      }\n    }\n  }\n": types.PollDocument,
    "\n  subscription TallyLive($pollId: ID!) {\n    voteTally(pollId: $pollId) {\n      pollId\n      total\n      closed\n      hidden\n      results {\n        optionId\n        label\n        votes\n      }\n    }\n  }\n": types.TallyLiveDocument,
    "\n  mutation CastVote($pollId: ID!, $optionId: ID!) {\n    castVote(pollId: $pollId, optionId: $optionId) {\n      pollId\n      total\n      closed\n      hidden\n      results {\n        optionId\n        label\n        votes\n      }\n    }\n  }\n": types.CastVoteDocument,
    "\n  mutation ClosePoll($id: ID!) {\n    closePoll(id: $id) {\n      id\n      isOpen\n    }\n  }\n": types.ClosePollDocument,
    "\n  mutation CreatePoll($input: CreatePollInput!) {\n    createPoll(input: $input) {\n      id\n    }\n  }\n": types.CreatePollDocument,
    "\n  mutation GenerateBills($period: String!) {\n    generateMonthlyBills(period: $period) {\n      id\n      status\n      progress\n    }\n  }\n": types.GenerateBillsDocument,
    "\n  query Job($id: ID!) {\n    job(id: $id) {\n      id\n      kind\n      status\n      attempts\n      lastError\n      progress\n      done\n      total\n    }\n  }\n": types.JobDocument,
    "\n  query ExportBills($period: String!, $format: ExportFormat!) {\n    exportBills(period: $period, format: $format) {\n      filename\n      contentType\n      base64\n    }\n  }\n": types.ExportBillsDocument,
    "\n  query Tariffs {\n    tariffs(includeInactive: true) {\n      id\n      name\n      kind\n      rate\n      ppnRateBp\n      unitType\n      active\n    }\n  }\n": types.TariffsDocument,
    "\n  mutation CreateTariff($input: TariffInput!) {\n    createTariff(input: $input)\n  }\n": types.CreateTariffDocument,
    "\n  mutation ApproveBooking($id: ID!) {\n    approveBooking(id: $id) {\n      ...BookingFields\n    }\n  }\n": types.ApproveBookingDocument,
    "\n  mutation RejectBooking($id: ID!, $reason: String!) {\n    rejectBooking(id: $id, reason: $reason) {\n      ...BookingFields\n    }\n  }\n": types.RejectBookingDocument,
    "\n  query CollectionReports($p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!, $p6: String!) {\n    r1: collectionReport(period: $p1) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r2: collectionReport(period: $p2) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r3: collectionReport(period: $p3) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r4: collectionReport(period: $p4) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r5: collectionReport(period: $p5) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r6: collectionReport(period: $p6) {\n      period\n      billed\n      collected\n      collectionRate\n      bills\n      arrears {\n        current\n        days1To30\n        days31To60\n        days61To90\n        over90Days\n      }\n    }\n  }\n": types.CollectionReportsDocument,
    "\n  subscription CollectionLive($period: String!) {\n    collectionCounters(period: $period) {\n      period\n      bills\n      billed\n      collected\n      collectionRate\n    }\n  }\n": types.CollectionLiveDocument,
    "\n  query Units($search: String, $after: String) {\n    units(first: 25, after: $after, filter: { search: $search }) {\n      nodes {\n        id\n        number\n        type\n        areaM2\n        archived\n        block {\n          id\n          name\n        }\n        residents {\n          id\n          fullName\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n    blocks {\n      id\n      name\n    }\n  }\n": types.UnitsDocument,
    "\n  query Residents($search: String, $after: String) {\n    residents(first: 25, after: $after, filter: { search: $search }) {\n      nodes {\n        id\n        fullName\n        phone\n        email\n        archived\n        units {\n          id\n          number\n          block {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ResidentsDocument,
    "\n  mutation CreateUnit($input: CreateUnitInput!) {\n    createUnit(input: $input) {\n      id\n    }\n  }\n": types.CreateUnitDocument,
    "\n  mutation ArchiveUnit($id: ID!) {\n    archiveUnit(id: $id) {\n      id\n      archived\n    }\n  }\n": types.ArchiveUnitDocument,
    "\n  mutation CreateResident($input: ResidentInput!) {\n    createResident(input: $input) {\n      id\n    }\n  }\n": types.CreateResidentDocument,
    "\n  mutation ArchiveResident($id: ID!) {\n    archiveResident(id: $id) {\n      id\n      archived\n    }\n  }\n": types.ArchiveResidentDocument,
    "\n  mutation LinkResident($input: LinkResidentInput!) {\n    linkResident(input: $input) {\n      id\n    }\n  }\n": types.LinkResidentDocument,
    "\n  query Sla {\n    complaintSla {\n      priority\n      hours\n    }\n  }\n": types.SlaDocument,
    "\n  mutation SetSla($priority: ComplaintPriority!, $hours: Int!) {\n    setComplaintSla(priority: $priority, hours: $hours) {\n      priority\n      hours\n    }\n  }\n": types.SetSlaDocument,
    "\n  query BillingSettings {\n    billingSettings {\n      billingDay\n      dueDay\n      lateFeeKind\n      lateFeeValue\n    }\n  }\n": types.BillingSettingsDocument,
    "\n  mutation UpdateBillingSettings($input: BillingSettingsInput!) {\n    updateBillingSettings(input: $input)\n  }\n": types.UpdateBillingSettingsDocument,
    "\n  query ResidentHome($from: DateTime!, $to: DateTime!) {\n    bills(first: 50) {\n      nodes {\n        id\n        period\n        dueOn\n        status\n        total\n        outstanding\n        unit {\n          id\n          number\n        }\n      }\n    }\n    complaints(first: 20) {\n      nodes {\n        id\n        title\n        status\n        createdAt\n      }\n    }\n    bookings(filter: { from: $from, to: $to, status: [PENDING_PAYMENT, PENDING_APPROVAL, CONFIRMED, CHECKED_IN] }) {\n      id\n      startsAt\n      endsAt\n      status\n      facility {\n        id\n        name\n      }\n    }\n    announcements(first: 3) {\n      nodes {\n        id\n        title\n        body\n        publishAt\n      }\n    }\n  }\n": types.ResidentHomeDocument,
    "\n  query Profile($residentId: ID!) {\n    resident(id: $residentId) {\n      id\n      fullName\n      phone\n      email\n      units {\n        id\n        number\n        type\n        block {\n          id\n          name\n        }\n        occupancies {\n          id\n          relation\n          resident {\n            id\n            fullName\n          }\n        }\n      }\n    }\n  }\n": types.ProfileDocument,
    "\n  query Tenant {\n    tenant {\n      displayName\n      timeZone\n    }\n  }\n": types.TenantDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($identifier: String!, $password: String!) {\n    login(identifier: $identifier, password: $password) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        role\n        residentId\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($identifier: String!, $password: String!) {\n    login(identifier: $identifier, password: $password) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        role\n        residentId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Refresh {\n    refreshToken {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        role\n        residentId\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Refresh {\n    refreshToken {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        role\n        residentId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Announcements {\n    announcements(first: 50) {\n      nodes {\n        id\n        title\n        body\n        audience\n        publishAt\n        scheduled\n        archived\n      }\n    }\n  }\n"): (typeof documents)["\n  query Announcements {\n    announcements(first: 50) {\n      nodes {\n        id\n        title\n        body\n        audience\n        publishAt\n        scheduled\n        archived\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AnnouncementLive {\n    announcementPublished {\n      id\n      title\n    }\n  }\n"): (typeof documents)["\n  subscription AnnouncementLive {\n    announcementPublished {\n      id\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Blocks {\n    blocks {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query Blocks {\n    blocks {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnitSearch($search: String) {\n    units(first: 10, filter: { search: $search }) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UnitSearch($search: String) {\n    units(first: 10, filter: { search: $search }) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ResidentSearch($search: String) {\n    residents(first: 10, filter: { search: $search }) {\n      nodes {\n        id\n        fullName\n      }\n    }\n  }\n"): (typeof documents)["\n  query ResidentSearch($search: String) {\n    residents(first: 10, filter: { search: $search }) {\n      nodes {\n        id\n        fullName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishAnnouncement($input: PublishAnnouncementInput!) {\n    publishAnnouncement(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation PublishAnnouncement($input: PublishAnnouncementInput!) {\n    publishAnnouncement(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveAnnouncement($id: ID!) {\n    archiveAnnouncement(id: $id) {\n      id\n      archived\n    }\n  }\n"): (typeof documents)["\n  mutation ArchiveAnnouncement($id: ID!) {\n    archiveAnnouncement(id: $id) {\n      id\n      archived\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BillDetail($id: ID!) {\n    bill(id: $id) {\n      id\n      period\n      dueOn\n      status\n      subtotal\n      ppn\n      lateFee\n      total\n      paid\n      outstanding\n      voidReason\n      unit {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n      items {\n        id\n        kind\n        description\n        quantity\n        unitPrice\n        amount\n        ppnRateBp\n        ppn\n      }\n      payments {\n        id\n        method\n        amount\n        reference\n        paidAt\n        refunded\n      }\n    }\n  }\n"): (typeof documents)["\n  query BillDetail($id: ID!) {\n    bill(id: $id) {\n      id\n      period\n      dueOn\n      status\n      subtotal\n      ppn\n      lateFee\n      total\n      paid\n      outstanding\n      voidReason\n      unit {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n      items {\n        id\n        kind\n        description\n        quantity\n        unitPrice\n        amount\n        ppnRateBp\n        ppn\n      }\n      payments {\n        id\n        method\n        amount\n        reference\n        paidAt\n        refunded\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BillLive($id: ID!) {\n    billUpdated(id: $id) {\n      id\n      status\n      total\n      paid\n      outstanding\n    }\n  }\n"): (typeof documents)["\n  subscription BillLive($id: ID!) {\n    billUpdated(id: $id) {\n      id\n      status\n      total\n      paid\n      outstanding\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Pay($billId: ID!) {\n    createPayment(billId: $billId) {\n      orderId\n      redirectUrl\n    }\n  }\n"): (typeof documents)["\n  mutation Pay($billId: ID!) {\n    createPayment(billId: $billId) {\n      orderId\n      redirectUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordPayment($input: RecordPaymentInput!) {\n    recordPayment(input: $input) {\n      id\n      amount\n    }\n  }\n"): (typeof documents)["\n  mutation RecordPayment($input: RecordPaymentInput!) {\n    recordPayment(input: $input) {\n      id\n      amount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Bills($filter: BillFilter, $first: Int!, $after: String) {\n    bills(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        period\n        dueOn\n        status\n        total\n        outstanding\n        unit {\n          id\n          number\n          block {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Bills($filter: BillFilter, $first: Int!, $after: String) {\n    bills(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        period\n        dueOn\n        status\n        total\n        outstanding\n        unit {\n          id\n          number\n          block {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Facilities {\n    facilities {\n      id\n      name\n      description\n      kind\n      capacity\n      pricing\n      rate\n      deposit\n      needsApproval\n    }\n  }\n"): (typeof documents)["\n  query Facilities {\n    facilities {\n      id\n      name\n      description\n      kind\n      capacity\n      pricing\n      rate\n      deposit\n      needsApproval\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Facility($id: ID!) {\n    facility(id: $id) {\n      id\n      name\n      description\n      rules\n      kind\n      capacity\n      pricing\n      rate\n      deposit\n      needsApproval\n      slotMinutes\n      minMinutes\n      maxMinutes\n      bookAheadDays\n      cancellationDeadlineHours\n    }\n    units(first: 20) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Facility($id: ID!) {\n    facility(id: $id) {\n      id\n      name\n      description\n      rules\n      kind\n      capacity\n      pricing\n      rate\n      deposit\n      needsApproval\n      slotMinutes\n      minMinutes\n      maxMinutes\n      bookAheadDays\n      cancellationDeadlineHours\n    }\n    units(first: 20) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Availability($facilityId: ID!, $from: NaiveDate!, $to: NaiveDate!) {\n    availability(facilityId: $facilityId, from: $from, to: $to) {\n      startsAt\n      endsAt\n      remaining\n      available\n    }\n  }\n"): (typeof documents)["\n  query Availability($facilityId: ID!, $from: NaiveDate!, $to: NaiveDate!) {\n    availability(facilityId: $facilityId, from: $from, to: $to) {\n      startsAt\n      endsAt\n      remaining\n      available\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AvailabilityLive($facilityId: ID!, $date: NaiveDate!) {\n    facilityAvailability(facilityId: $facilityId, date: $date) {\n      startsAt\n      endsAt\n      remaining\n      available\n    }\n  }\n"): (typeof documents)["\n  subscription AvailabilityLive($facilityId: ID!, $date: NaiveDate!) {\n    facilityAvailability(facilityId: $facilityId, date: $date) {\n      startsAt\n      endsAt\n      remaining\n      available\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QuoteBooking($input: BookingInput!) {\n    quoteBooking(input: $input) {\n      lines {\n        description\n        quantity\n        amount\n        ppn\n      }\n      total\n      deposit\n      amountDue\n    }\n  }\n"): (typeof documents)["\n  query QuoteBooking($input: BookingInput!) {\n    quoteBooking(input: $input) {\n      lines {\n        description\n        quantity\n        amount\n        ppn\n      }\n      total\n      deposit\n      amountDue\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookingFields on Booking {\n    id\n    startsAt\n    endsAt\n    partySize\n    status\n    total\n    deposit\n    amountDue\n    refundDue\n    reason\n    note\n    holdExpiresAt\n    facility {\n      id\n      name\n    }\n    unit {\n      id\n      number\n      block {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment BookingFields on Booking {\n    id\n    startsAt\n    endsAt\n    partySize\n    status\n    total\n    deposit\n    amountDue\n    refundDue\n    reason\n    note\n    holdExpiresAt\n    facility {\n      id\n      name\n    }\n    unit {\n      id\n      number\n      block {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Bookings($filter: BookingFilterInput!) {\n    bookings(filter: $filter) {\n      ...BookingFields\n    }\n  }\n"): (typeof documents)["\n  query Bookings($filter: BookingFilterInput!) {\n    bookings(filter: $filter) {\n      ...BookingFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateBooking($input: BookingInput!) {\n    createBooking(input: $input) {\n      ...BookingFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateBooking($input: BookingInput!) {\n    createBooking(input: $input) {\n      ...BookingFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelBooking($id: ID!, $reason: String) {\n    cancelBooking(id: $id, reason: $reason) {\n      ...BookingFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelBooking($id: ID!, $reason: String) {\n    cancelBooking(id: $id, reason: $reason) {\n      ...BookingFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PayBooking($bookingId: ID!) {\n    payBooking(bookingId: $bookingId) {\n      orderId\n      redirectUrl\n    }\n  }\n"): (typeof documents)["\n  mutation PayBooking($bookingId: ID!) {\n    payBooking(bookingId: $bookingId) {\n      orderId\n      redirectUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BookingLive($id: ID!) {\n    bookingUpdated(id: $id) {\n      id\n      status\n      amountDue\n      paid\n      refundDue\n      reason\n      holdExpiresAt\n    }\n  }\n"): (typeof documents)["\n  subscription BookingLive($id: ID!) {\n    bookingUpdated(id: $id) {\n      id\n      status\n      amountDue\n      paid\n      refundDue\n      reason\n      holdExpiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CheckInBooking($id: ID!) {\n    checkInBooking(id: $id) {\n      ...BookingFields\n    }\n  }\n"): (typeof documents)["\n  mutation CheckInBooking($id: ID!) {\n    checkInBooking(id: $id) {\n      ...BookingFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateCalendarFeed {\n    rotateCalendarFeed {\n      path\n    }\n  }\n"): (typeof documents)["\n  mutation RotateCalendarFeed {\n    rotateCalendarFeed {\n      path\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeCalendarFeed {\n    revokeCalendarFeed\n  }\n"): (typeof documents)["\n  mutation RevokeCalendarFeed {\n    revokeCalendarFeed\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Complaints($filter: ComplaintFilterInput, $first: Int!) {\n    complaints(filter: $filter, first: $first) {\n      nodes {\n        id\n        title\n        category\n        priority\n        status\n        slaBreached\n        dueAt\n        createdAt\n        assignee {\n          id\n          displayName\n        }\n        unit {\n          id\n          number\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Complaints($filter: ComplaintFilterInput, $first: Int!) {\n    complaints(filter: $filter, first: $first) {\n      nodes {\n        id\n        title\n        category\n        priority\n        status\n        slaBreached\n        dueAt\n        createdAt\n        assignee {\n          id\n          displayName\n        }\n        unit {\n          id\n          number\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ComplaintCountersNow {\n    complaintCounters {\n      open\n      inProgress\n      overdue\n      resolvedToday\n    }\n  }\n"): (typeof documents)["\n  query ComplaintCountersNow {\n    complaintCounters {\n      open\n      inProgress\n      overdue\n      resolvedToday\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ComplaintCountersLive {\n    complaintCounters {\n      open\n      inProgress\n      overdue\n      resolvedToday\n    }\n  }\n"): (typeof documents)["\n  subscription ComplaintCountersLive {\n    complaintCounters {\n      open\n      inProgress\n      overdue\n      resolvedToday\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Complaint($id: ID!) {\n    complaint(id: $id) {\n      id\n      title\n      description\n      category\n      priority\n      status\n      nextStatuses\n      slaBreached\n      dueAt\n      resolvedAt\n      closedAt\n      createdAt\n      updatedAt\n      resident {\n        id\n        fullName\n      }\n      unit {\n        id\n        number\n      }\n      assignee {\n        id\n        displayName\n      }\n      comments {\n        id\n        body\n        internal\n        createdAt\n        author {\n          id\n          displayName\n          role\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Complaint($id: ID!) {\n    complaint(id: $id) {\n      id\n      title\n      description\n      category\n      priority\n      status\n      nextStatuses\n      slaBreached\n      dueAt\n      resolvedAt\n      closedAt\n      createdAt\n      updatedAt\n      resident {\n        id\n        fullName\n      }\n      unit {\n        id\n        number\n      }\n      assignee {\n        id\n        displayName\n      }\n      comments {\n        id\n        body\n        internal\n        createdAt\n        author {\n          id\n          displayName\n          role\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ComplaintLive($id: ID!) {\n    complaintUpdated(id: $id) {\n      id\n      status\n      priority\n      assigneeName\n      updatedAt\n      slaBreached\n    }\n  }\n"): (typeof documents)["\n  subscription ComplaintLive($id: ID!) {\n    complaintUpdated(id: $id) {\n      id\n      status\n      priority\n      assigneeName\n      updatedAt\n      slaBreached\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FileComplaint($input: FileComplaintInput!) {\n    fileComplaint(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation FileComplaint($input: FileComplaintInput!) {\n    fileComplaint(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveComplaint($id: ID!, $status: ComplaintStatus!) {\n    updateComplaintStatus(id: $id, status: $status) {\n      id\n      status\n      nextStatuses\n      resolvedAt\n      closedAt\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation MoveComplaint($id: ID!, $status: ComplaintStatus!) {\n    updateComplaintStatus(id: $id, status: $status) {\n      id\n      status\n      nextStatuses\n      resolvedAt\n      closedAt\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CommentComplaint($id: ID!, $body: String!, $internal: Boolean!) {\n    addComplaintComment(id: $id, body: $body, internal: $internal) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CommentComplaint($id: ID!, $body: String!, $internal: Boolean!) {\n    addComplaintComment(id: $id, body: $body, internal: $internal) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignComplaint($id: ID!, $userId: ID) {\n    assignComplaint(id: $id, userId: $userId) {\n      id\n      assignee {\n        id\n        displayName\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AssignComplaint($id: ID!, $userId: ID) {\n    assignComplaint(id: $id, userId: $userId) {\n      id\n      assignee {\n        id\n        displayName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Staff {\n    staff {\n      id\n      displayName\n      role\n    }\n  }\n"): (typeof documents)["\n  query Staff {\n    staff {\n      id\n      displayName\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HouseholdUnits {\n    units(first: 20) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query HouseholdUnits {\n    units(first: 20) {\n      nodes {\n        id\n        number\n        block {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Polls {\n    polls(first: 50) {\n      nodes {\n        id\n        title\n        isOpen\n        closesAt\n        myVote\n        tally {\n          pollId\n          total\n          closed\n          hidden\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Polls {\n    polls(first: 50) {\n      nodes {\n        id\n        title\n        isOpen\n        closesAt\n        myVote\n        tally {\n          pollId\n          total\n          closed\n          hidden\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Poll($id: ID!) {\n    poll(id: $id) {\n      id\n      title\n      description\n      eligibility\n      ballot\n      hideResultsUntilClose\n      opensAt\n      closesAt\n      isOpen\n      myVote\n      options {\n        id\n        position\n        label\n      }\n      tally {\n        pollId\n        total\n        closed\n        hidden\n        results {\n          optionId\n          label\n          votes\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Poll($id: ID!) {\n    poll(id: $id) {\n      id\n      title\n      description\n      eligibility\n      ballot\n      hideResultsUntilClose\n      opensAt\n      closesAt\n      isOpen\n      myVote\n      options {\n        id\n        position\n        label\n      }\n      tally {\n        pollId\n        total\n        closed\n        hidden\n        results {\n          optionId\n          label\n          votes\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TallyLive($pollId: ID!) {\n    voteTally(pollId: $pollId) {\n      pollId\n      total\n      closed\n      hidden\n      results {\n        optionId\n        label\n        votes\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription TallyLive($pollId: ID!) {\n    voteTally(pollId: $pollId) {\n      pollId\n      total\n      closed\n      hidden\n      results {\n        optionId\n        label\n        votes\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CastVote($pollId: ID!, $optionId: ID!) {\n    castVote(pollId: $pollId, optionId: $optionId) {\n      pollId\n      total\n      closed\n      hidden\n      results {\n        optionId\n        label\n        votes\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CastVote($pollId: ID!, $optionId: ID!) {\n    castVote(pollId: $pollId, optionId: $optionId) {\n      pollId\n      total\n      closed\n      hidden\n      results {\n        optionId\n        label\n        votes\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClosePoll($id: ID!) {\n    closePoll(id: $id) {\n      id\n      isOpen\n    }\n  }\n"): (typeof documents)["\n  mutation ClosePoll($id: ID!) {\n    closePoll(id: $id) {\n      id\n      isOpen\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePoll($input: CreatePollInput!) {\n    createPoll(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePoll($input: CreatePollInput!) {\n    createPoll(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GenerateBills($period: String!) {\n    generateMonthlyBills(period: $period) {\n      id\n      status\n      progress\n    }\n  }\n"): (typeof documents)["\n  mutation GenerateBills($period: String!) {\n    generateMonthlyBills(period: $period) {\n      id\n      status\n      progress\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Job($id: ID!) {\n    job(id: $id) {\n      id\n      kind\n      status\n      attempts\n      lastError\n      progress\n      done\n      total\n    }\n  }\n"): (typeof documents)["\n  query Job($id: ID!) {\n    job(id: $id) {\n      id\n      kind\n      status\n      attempts\n      lastError\n      progress\n      done\n      total\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportBills($period: String!, $format: ExportFormat!) {\n    exportBills(period: $period, format: $format) {\n      filename\n      contentType\n      base64\n    }\n  }\n"): (typeof documents)["\n  query ExportBills($period: String!, $format: ExportFormat!) {\n    exportBills(period: $period, format: $format) {\n      filename\n      contentType\n      base64\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tariffs {\n    tariffs(includeInactive: true) {\n      id\n      name\n      kind\n      rate\n      ppnRateBp\n      unitType\n      active\n    }\n  }\n"): (typeof documents)["\n  query Tariffs {\n    tariffs(includeInactive: true) {\n      id\n      name\n      kind\n      rate\n      ppnRateBp\n      unitType\n      active\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTariff($input: TariffInput!) {\n    createTariff(input: $input)\n  }\n"): (typeof documents)["\n  mutation CreateTariff($input: TariffInput!) {\n    createTariff(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveBooking($id: ID!) {\n    approveBooking(id: $id) {\n      ...BookingFields\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveBooking($id: ID!) {\n    approveBooking(id: $id) {\n      ...BookingFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectBooking($id: ID!, $reason: String!) {\n    rejectBooking(id: $id, reason: $reason) {\n      ...BookingFields\n    }\n  }\n"): (typeof documents)["\n  mutation RejectBooking($id: ID!, $reason: String!) {\n    rejectBooking(id: $id, reason: $reason) {\n      ...BookingFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CollectionReports($p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!, $p6: String!) {\n    r1: collectionReport(period: $p1) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r2: collectionReport(period: $p2) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r3: collectionReport(period: $p3) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r4: collectionReport(period: $p4) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r5: collectionReport(period: $p5) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r6: collectionReport(period: $p6) {\n      period\n      billed\n      collected\n      collectionRate\n      bills\n      arrears {\n        current\n        days1To30\n        days31To60\n        days61To90\n        over90Days\n      }\n    }\n  }\n"): (typeof documents)["\n  query CollectionReports($p1: String!, $p2: String!, $p3: String!, $p4: String!, $p5: String!, $p6: String!) {\n    r1: collectionReport(period: $p1) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r2: collectionReport(period: $p2) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r3: collectionReport(period: $p3) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r4: collectionReport(period: $p4) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r5: collectionReport(period: $p5) {\n      period\n      billed\n      collected\n      collectionRate\n    }\n    r6: collectionReport(period: $p6) {\n      period\n      billed\n      collected\n      collectionRate\n      bills\n      arrears {\n        current\n        days1To30\n        days31To60\n        days61To90\n        over90Days\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CollectionLive($period: String!) {\n    collectionCounters(period: $period) {\n      period\n      bills\n      billed\n      collected\n      collectionRate\n    }\n  }\n"): (typeof documents)["\n  subscription CollectionLive($period: String!) {\n    collectionCounters(period: $period) {\n      period\n      bills\n      billed\n      collected\n      collectionRate\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Units($search: String, $after: String) {\n    units(first: 25, after: $after, filter: { search: $search }) {\n      nodes {\n        id\n        number\n        type\n        areaM2\n        archived\n        block {\n          id\n          name\n        }\n        residents {\n          id\n          fullName\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n    blocks {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query Units($search: String, $after: String) {\n    units(first: 25, after: $after, filter: { search: $search }) {\n      nodes {\n        id\n        number\n        type\n        areaM2\n        archived\n        block {\n          id\n          name\n        }\n        residents {\n          id\n          fullName\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n    blocks {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Residents($search: String, $after: String) {\n    residents(first: 25, after: $after, filter: { search: $search }) {\n      nodes {\n        id\n        fullName\n        phone\n        email\n        archived\n        units {\n          id\n          number\n          block {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Residents($search: String, $after: String) {\n    residents(first: 25, after: $after, filter: { search: $search }) {\n      nodes {\n        id\n        fullName\n        phone\n        email\n        archived\n        units {\n          id\n          number\n          block {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUnit($input: CreateUnitInput!) {\n    createUnit(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUnit($input: CreateUnitInput!) {\n    createUnit(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveUnit($id: ID!) {\n    archiveUnit(id: $id) {\n      id\n      archived\n    }\n  }\n"): (typeof documents)["\n  mutation ArchiveUnit($id: ID!) {\n    archiveUnit(id: $id) {\n      id\n      archived\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateResident($input: ResidentInput!) {\n    createResident(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateResident($input: ResidentInput!) {\n    createResident(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveResident($id: ID!) {\n    archiveResident(id: $id) {\n      id\n      archived\n    }\n  }\n"): (typeof documents)["\n  mutation ArchiveResident($id: ID!) {\n    archiveResident(id: $id) {\n      id\n      archived\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LinkResident($input: LinkResidentInput!) {\n    linkResident(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation LinkResident($input: LinkResidentInput!) {\n    linkResident(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sla {\n    complaintSla {\n      priority\n      hours\n    }\n  }\n"): (typeof documents)["\n  query Sla {\n    complaintSla {\n      priority\n      hours\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetSla($priority: ComplaintPriority!, $hours: Int!) {\n    setComplaintSla(priority: $priority, hours: $hours) {\n      priority\n      hours\n    }\n  }\n"): (typeof documents)["\n  mutation SetSla($priority: ComplaintPriority!, $hours: Int!) {\n    setComplaintSla(priority: $priority, hours: $hours) {\n      priority\n      hours\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BillingSettings {\n    billingSettings {\n      billingDay\n      dueDay\n      lateFeeKind\n      lateFeeValue\n    }\n  }\n"): (typeof documents)["\n  query BillingSettings {\n    billingSettings {\n      billingDay\n      dueDay\n      lateFeeKind\n      lateFeeValue\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateBillingSettings($input: BillingSettingsInput!) {\n    updateBillingSettings(input: $input)\n  }\n"): (typeof documents)["\n  mutation UpdateBillingSettings($input: BillingSettingsInput!) {\n    updateBillingSettings(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ResidentHome($from: DateTime!, $to: DateTime!) {\n    bills(first: 50) {\n      nodes {\n        id\n        period\n        dueOn\n        status\n        total\n        outstanding\n        unit {\n          id\n          number\n        }\n      }\n    }\n    complaints(first: 20) {\n      nodes {\n        id\n        title\n        status\n        createdAt\n      }\n    }\n    bookings(filter: { from: $from, to: $to, status: [PENDING_PAYMENT, PENDING_APPROVAL, CONFIRMED, CHECKED_IN] }) {\n      id\n      startsAt\n      endsAt\n      status\n      facility {\n        id\n        name\n      }\n    }\n    announcements(first: 3) {\n      nodes {\n        id\n        title\n        body\n        publishAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query ResidentHome($from: DateTime!, $to: DateTime!) {\n    bills(first: 50) {\n      nodes {\n        id\n        period\n        dueOn\n        status\n        total\n        outstanding\n        unit {\n          id\n          number\n        }\n      }\n    }\n    complaints(first: 20) {\n      nodes {\n        id\n        title\n        status\n        createdAt\n      }\n    }\n    bookings(filter: { from: $from, to: $to, status: [PENDING_PAYMENT, PENDING_APPROVAL, CONFIRMED, CHECKED_IN] }) {\n      id\n      startsAt\n      endsAt\n      status\n      facility {\n        id\n        name\n      }\n    }\n    announcements(first: 3) {\n      nodes {\n        id\n        title\n        body\n        publishAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Profile($residentId: ID!) {\n    resident(id: $residentId) {\n      id\n      fullName\n      phone\n      email\n      units {\n        id\n        number\n        type\n        block {\n          id\n          name\n        }\n        occupancies {\n          id\n          relation\n          resident {\n            id\n            fullName\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Profile($residentId: ID!) {\n    resident(id: $residentId) {\n      id\n      fullName\n      phone\n      email\n      units {\n        id\n        number\n        type\n        block {\n          id\n          name\n        }\n        occupancies {\n          id\n          relation\n          resident {\n            id\n            fullName\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tenant {\n    tenant {\n      displayName\n      timeZone\n    }\n  }\n"): (typeof documents)["\n  query Tenant {\n    tenant {\n      displayName\n      timeZone\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;